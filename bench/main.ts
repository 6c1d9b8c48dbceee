// npm run bench — wakepoll beside what a user would pick instead, every figure a ratio of two
// things measured side by side in one run (batches alternate A B A B …). Prints a table and
// writes the results as JSON (machine, versions, each row's medians, p99 and ratios).
//
//   npm run bench                      full run (a few minutes) → bench/results.json + .svg chart
//   npm run bench -- --quick           smoke run (< 1 min) → bench/results.quick.json
//   npm run bench -- --rows 1,3        only some rows;  --out FILE  elsewhere
//
// Rows: 1 wake round trip, 2 event delivery, 3 pollAsync round trip, 4 TCP echo, 5 memory,
// 6 memory per idle connection, 7 memory of a worker that never leaves poll.poll (accept and
// close), 8 the kv example under redis-benchmark against node:net and redis-server.

import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

import { chartSvg } from './chart.ts'
import { idleConnections } from './rows/conns.ts'
import { buildPeer } from './peer.ts'
import { machine } from './machine.ts'
import type { RowOptions, RowResult } from './row.ts'
import { acceptMemory } from './rows/accept-memory.ts'
import { deliverEvents } from './rows/deliver.ts'
import { echoThroughput } from './rows/echo.ts'
import { kvThroughput } from './rows/kv.ts'
import { memory } from './rows/memory.ts'
import { pollAsyncRoundTrip } from './rows/poll-async.ts'
import { wakeRoundTrip } from './rows/wake-roundtrip.ts'
import { formatTable, type NumberedRow } from './table.ts'

const ROWS: Record<string, (o: RowOptions) => Promise<RowResult>> = {
  '1': wakeRoundTrip,
  '2': deliverEvents,
  '3': pollAsyncRoundTrip,
  '4': echoThroughput,
  '5': memory,
  '6': idleConnections,
  '7': acceptMemory,
  '8': kvThroughput,
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rows: { type: 'string', default: Object.keys(ROWS).join(',') },
    out: { type: 'string' },
  },
})
const quick = values.quick ?? false
const selected = (values.rows ?? '').split(',').map((r) => r.trim())
for (const r of selected) {
  if (!(r in ROWS)) {
    console.error(`--rows: no row ${JSON.stringify(r)} (rows are ${Object.keys(ROWS).join(', ')})`)
    process.exit(2)
  }
}
const out = values.out ?? new URL(quick ? './results.quick.json' : './results.json', import.meta.url)
// The chart goes beside the JSON: results.json → results.svg.
const chartOut = String(out instanceof URL ? out.pathname : out).replace(/(\.json)?$/, '.svg')

const log = (line: string) => process.stderr.write(`${line}\n`)
const where = machine()
if (where.build !== 'release') {
  console.error(`the native module is a ${where.build} build; figures of it mean nothing: run \`npm run build\` first`)
  process.exit(1)
}
const started = new Date()
log(`wakepoll bench (${quick ? 'quick' : 'full'}): rows ${selected.join(', ')}`)
buildPeer()
const results: NumberedRow[] = []
for (const r of selected) {
  log(`row ${r}: ${ROWS[r]!.name}`)
  results.push({ row: Number(r), ...(await ROWS[r]!({ quick, log })) })
}

const report = {
  date: started.toISOString(),
  durationS: Math.round((Date.now() - started.getTime()) / 1000),
  quick,
  machine: where,
  rows: results,
}
console.log(formatTable(where, results))
writeFileSync(out, JSON.stringify(report, null, 2) + '\n')
const caption = `${quick ? 'quick' : 'full'} run ${started.toISOString().slice(0, 10)}, ${where.cpus} × ${where.cpu}, node ${where.node}`
writeFileSync(chartOut, chartSvg(results, caption))
log(`results written to ${out instanceof URL ? out.pathname : out} and ${chartOut}`)
