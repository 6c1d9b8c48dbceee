// npm run demo: a TCP echo server whose whole event loop runs in a worker on wakepoll, against
// the same server on node:net (also in a worker), under the same closed-loop load from a
// wakepoll client in a second worker. Rounds alternate (A B A B …) so that both servers see the
// same machine. Every second: throughput and latency percentiles; at the end, a table.
//
//   npm run demo -- --connections 64 --size 64 --duration 2 --rounds 2
//   (or DEMO_CONNECTIONS, DEMO_SIZE, DEMO_DURATION, DEMO_ROUNDS)

import { parseArgs } from 'node:util'

import { type EchoRound, echoRound, type ServerKind } from './run.ts'

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: process.env.DEMO_CONNECTIONS ?? '32' },
    size: { type: 'string', default: process.env.DEMO_SIZE ?? '64' },
    duration: { type: 'string', default: process.env.DEMO_DURATION ?? '2' },
    rounds: { type: 'string', default: process.env.DEMO_ROUNDS ?? '2' },
  },
})
function positive(name: string, value: string | undefined, integer: boolean): number {
  const n = Number(value)
  if (!(n > 0) || (integer && !Number.isInteger(n))) {
    console.error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`)
    process.exit(2)
  }
  return n
}
const CONNECTIONS = positive('connections', values.connections, true)
const SIZE = positive('size', values.size, true)
const DURATION = positive('duration', values.duration, false)
const ROUNDS = positive('rounds', values.rounds, true)

type Kind = ServerKind
const totals: Record<Kind, EchoRound> = {
  wakepoll: { msgs: 0, ms: 0, latencies: [] },
  'node:net': { msgs: 0, ms: 0, latencies: [] },
}

function percentiles(arrays: Float64Array[]): { p50: number; p99: number } {
  const all = new Float64Array(arrays.reduce((n, a) => n + a.length, 0))
  let off = 0
  for (const a of arrays) all.set(a, off), (off += a.length)
  all.sort()
  const at = (q: number) => (all.length ? all[Math.min(all.length - 1, Math.floor(q * all.length))]! : NaN)
  return { p50: at(0.5), p99: at(0.99) }
}

const fmtRate = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9)
const fmtMs = (ms: number) => `${ms.toFixed(3)} ms`.padStart(9)

async function round(kind: Kind, r: number): Promise<void> {
  const label = `${kind.padEnd(8)} round ${r}/${ROUNDS}`
  let second = 0
  const load = { connections: CONNECTIONS, size: SIZE, durationS: DURATION }
  const result = await echoRound(kind, load, (rep) => {
    if (rep.elapsedMs < 200) return
    const { p50, p99 } = percentiles([rep.latenciesMs])
    const rate = (rep.latenciesMs.length * 1000) / rep.elapsedMs
    console.log(`  ${label}  ${String(++second).padStart(2)}s  ${fmtRate(rate)} msgs/s  p50 ${fmtMs(p50)}  p99 ${fmtMs(p99)}`)
  })
  const t = totals[kind]
  t.msgs += result.msgs
  t.ms += result.ms
  t.latencies.push(...result.latencies)
}

console.log(
  `wakepoll demo: TCP echo on 127.0.0.1, ${CONNECTIONS} connections × ${SIZE}-byte messages, closed loop, ` +
    `${ROUNDS} × ${DURATION} s per server, interleaved`,
)
for (let r = 1; r <= ROUNDS; r++) {
  await round('wakepoll', r)
  await round('node:net', r)
}

console.log('\nserver (worker thread)     msgs/s        p50        p99')
const rows = (['wakepoll', 'node:net'] as const).map((kind) => {
  const t = totals[kind]
  const rate = (t.msgs * 1000) / t.ms
  const { p50, p99 } = percentiles(t.latencies)
  console.log(`${(kind === 'wakepoll' ? 'wakepoll Poll + TcpStream' : 'node:net').padEnd(25)} ${fmtRate(rate)}  ${fmtMs(p50)}  ${fmtMs(p99)}`)
  return { rate, p99 }
})
const [wp, nn] = rows as [(typeof rows)[0], (typeof rows)[0]]
console.log(
  `\nwakepoll / node:net: ${(wp.rate / nn.rate).toFixed(2)}× msgs/s; ` +
    `p99 ${fmtMs(wp.p99).trim()} vs ${fmtMs(nn.p99).trim()}`,
)
