// The bench's results as a picture: one horizontal bar per ratio, its target as a line across
// it, green when this run met the target and red when not. Plain SVG text, no dependency, so
// that `npm run bench` can write it anywhere (no browser, no canvas) and the README can show it.

import type { NumberedRow } from './table.ts'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The target's number and direction from a `Ratio.target` such as "≤ 1.00" or "≥ 1.60". */
function parseTarget(target: string): { limit: number; atMost: boolean } | null {
  const m = /^([≤≥])\s*([\d.]+)$/.exec(target.trim())
  return m ? { limit: Number(m[2]), atMost: m[1] === '≤' } : null
}

export function chartSvg(rows: NumberedRow[], caption: string): string {
  const bars = rows.flatMap((row) => row.ratios.map((r) => ({ ...r, label: `${row.row}. ${r.label} (${r.target})` })))
  const labelW = 470
  const plotW = 380
  const rowH = 30
  const top = 48
  const width = labelW + plotW + 90
  const height = top + bars.length * rowH + 40
  // Linear scale from 0 to a round number above every value and target (at least 2×).
  const biggest = Math.max(2, ...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)), ...bars.map((b) => parseTarget(b.target)?.limit ?? 0))
  const max = Math.ceil(biggest * 2) / 2
  const x = (v: number) => labelW + (Math.max(0, Math.min(v, max)) / max) * plotW
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">wakepoll: every ratio against its target</text>`,
    `<text x="12" y="40" fill="#555">${esc(caption)}</text>`,
  ]
  for (let t = 0; t <= max + 1e-9; t += 0.5) {
    out.push(`<line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${top + bars.length * rowH}" stroke="#e3e3e3"/>`)
    out.push(`<text x="${x(t)}" y="${top + bars.length * rowH + 16}" text-anchor="middle" fill="#555">${t.toFixed(1)}×</text>`)
  }
  bars.forEach((b, i) => {
    const y = top + i * rowH
    const colour = b.met ? '#2e8b57' : '#c0392b'
    const value = Number.isFinite(b.value) ? b.value : 0
    out.push(`<text x="${labelW - 8}" y="${y + 19}" text-anchor="end">${esc(b.label)}</text>`)
    out.push(`<rect x="${labelW}" y="${y + 6}" width="${x(value) - labelW}" height="${rowH - 12}" fill="${colour}" rx="2"/>`)
    out.push(`<text x="${x(value) + 6}" y="${y + 19}" fill="${colour}">${value.toFixed(2)}× ${b.met ? '' : '(target ' + esc(b.target) + ')'}</text>`)
    const target = parseTarget(b.target)
    if (target) {
      const tx = x(target.limit)
      out.push(`<line x1="${tx}" y1="${y + 2}" x2="${tx}" y2="${y + rowH - 2}" stroke="#222" stroke-width="2"/>`)
    }
  })
  out.push(`<text x="12" y="${height - 6}" fill="#555">bar: this run, the median of per-pair ratios (green: target met, red: missed) · black line: the target</text>`)
  out.push('</svg>')
  return out.join('\n') + '\n'
}
