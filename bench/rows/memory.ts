// Row 5: memory. The resident set size of a fresh process after 1M wakes, and after 100k
// registrations, beside the baseline (the same process with wakepoll loaded and one Poll, no
// work). Each measurement is a child process of its own; the three alternate.

import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { atMost, type RowOptions, type RowResult } from '../row.ts'
import { median, summarize } from '../stats.ts'

const child = fileURLToPath(new URL('./memory-child.ts', import.meta.url))
const MiB = 1024 * 1024

function rss(mode: string, n: number): number {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, mode, String(n)], {
    encoding: 'utf8',
  })
  return (JSON.parse(out) as { rss: number }).rss / MiB
}

export async function memory({ quick, log }: RowOptions): Promise<RowResult> {
  const runs = quick ? 1 : 5
  const wakes = quick ? 100_000 : 1_000_000
  const registrations = quick ? 10_000 : 100_000
  const mib = { baseline: [] as number[], wakes: [] as number[], registrations: [] as number[] }
  for (let r = 0; r < runs; r++) {
    mib.baseline.push(rss('baseline', 0))
    mib.wakes.push(rss('wakes', wakes))
    mib.registrations.push(rss('registrations', registrations))
    log(`  row 5: run ${r + 1}/${runs}`)
  }
  const growth = (xs: number[]) => median(xs) - median(mib.baseline)
  return {
    id: 'memory',
    title: `Resident memory (RSS) of a fresh process (${runs} runs each)`,
    series: [
      { label: 'baseline: wakepoll loaded, one Poll', unit: 'MiB', summary: summarize([mib.baseline]) },
      { label: `after ${wakes.toLocaleString('en-US')} wakes (each polled)`, unit: 'MiB', summary: summarize([mib.wakes]) },
      {
        label: `after ${registrations.toLocaleString('en-US')} registrations (1000 live)`,
        unit: 'MiB',
        summary: summarize([mib.registrations]),
      },
    ],
    ratios: [
      atMost('after wakes / baseline', median(mib.wakes) / median(mib.baseline), 1.1),
      atMost('after registrations / baseline', median(mib.registrations) / median(mib.baseline), 1.1),
    ],
    notes: [
      `growth over baseline: ${growth(mib.wakes).toFixed(1)} MiB after wakes, ${growth(mib.registrations).toFixed(1)} MiB after registrations`,
    ],
  }
}
