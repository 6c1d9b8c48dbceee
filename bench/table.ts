// The bench's table: one block per row — its series (median, p99) and its ratios with the
// target and whether this run met it. Also pasted into the README's Performance section.

import type { Machine } from './machine.ts'
import type { RowResult } from './row.ts'

/** A row's result with its number in the bench (1 … 8). */
export type NumberedRow = RowResult & { row: number }

function figure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—'
  if (unit === 'msgs/s' || unit === 'req/s') return Math.round(value).toLocaleString('en-US')
  if (unit === 'ms') return value.toFixed(3)
  return value.toFixed(1)
}

export function formatTable(m: Machine, rows: NumberedRow[]): string {
  const lines = [
    '',
    `machine: ${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}; node ${m.node}, ${m.rustc}`,
    '',
    '| row | measured | median | p99 | unit |',
    '|---|---|---:|---:|---|',
  ]
  for (const row of rows) {
    row.series.forEach((s, j) => {
      const title = j === 0 ? `${row.row}. ${row.title}` : ''
      lines.push(`| ${title} | ${s.label} | ${figure(s.summary.median, s.unit)} | ${figure(s.summary.p99, s.unit)} | ${s.unit} |`)
    })
  }
  lines.push('', '| ratio (median of per-pair ratios) | this run | target | met |', '|---|---:|---|---|')
  for (const row of rows) {
    for (const r of row.ratios) {
      lines.push(`| ${row.row}. ${r.label} | ${r.value.toFixed(2)}× | ${r.target} | ${r.met ? 'yes' : '**no**'} |`)
    }
  }
  const notes = rows.flatMap((r) => r.notes)
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`))
  return lines.join('\n')
}
