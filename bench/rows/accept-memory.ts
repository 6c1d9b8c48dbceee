// Row 7: memory of a worker that never returns to its event loop (issue #13). The worker
// accepts and closes connections inside `for (;;) poll.poll(…)` — 200,000 of them (20,000
// with --quick) — and its process's RSS after them is set against the same worker's baseline
// (after its Poll, listener and 2,000 warm-up connections, the one-time costs). Each run is a
// fresh child process (bench/rows/accept-memory-child.ts).

import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { atMost, type RowOptions, type RowResult } from '../row.ts'
import { median, summarize } from '../stats.ts'

const child = fileURLToPath(new URL('./accept-memory-child.ts', import.meta.url))
const MiB = 1024 * 1024
const WARMUP = 2_000

function run(connections: number): { baseline: number; after: number } {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', child, String(connections), String(WARMUP)],
    { encoding: 'utf8' },
  )
  const { baseline, after } = JSON.parse(out) as { baseline: number; after: number }
  return { baseline: baseline / MiB, after: after / MiB }
}

export async function acceptMemory({ quick, log }: RowOptions): Promise<RowResult> {
  const runs = quick ? 1 : 3
  const connections = quick ? 20_000 : 200_000
  const mib = { baseline: [] as number[], after: [] as number[], ratio: [] as number[] }
  for (let r = 0; r < runs; r++) {
    const { baseline, after } = run(connections)
    mib.baseline.push(baseline)
    mib.after.push(after)
    mib.ratio.push(after / baseline)
    log(`  row 7: run ${r + 1}/${runs}: ${baseline.toFixed(1)} → ${after.toFixed(1)} MiB`)
  }
  const growth = median(mib.after) - median(mib.baseline)
  return {
    id: 'accept-memory',
    title: `RSS of a worker that never leaves poll.poll, accepting and closing connections (${runs} runs)`,
    series: [
      { label: 'baseline: Poll, listener, 2,000 connections', unit: 'MiB', summary: summarize([mib.baseline]) },
      { label: `after ${connections.toLocaleString('en-US')} more connections`, unit: 'MiB', summary: summarize([mib.after]) },
    ],
    ratios: [atMost('after / baseline (same worker)', median(mib.ratio), 1.1)],
    notes: [`growth: ${growth.toFixed(1)} MiB over ${connections.toLocaleString('en-US')} connections`],
  }
}
