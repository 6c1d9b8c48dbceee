// npm run demo: a TCP echo server whose whole event loop runs in a worker on wakepoll, against
// the same server on node:net (also in a worker), under the same closed-loop load from a
// wakepoll client in a second worker. Rounds alternate (A B A B …) so that both servers see the
// same machine. Every second: throughput and latency percentiles; at the end, a table.
//
//   npm run demo -- --connections 64 --size 64 --duration 2 --rounds 2
//   (or DEMO_CONNECTIONS, DEMO_SIZE, DEMO_DURATION, DEMO_ROUNDS)

import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'

import { Waker, type WakerHandle } from '../../index.ts'
import type { ClientData, ClientReport } from './client.ts'

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

type Kind = 'wakepoll' | 'node:net'
const totals: Record<Kind, { msgs: number; ms: number; latencies: Float64Array[] }> = {
  wakepoll: { msgs: 0, ms: 0, latencies: [] },
  'node:net': { msgs: 0, ms: 0, latencies: [] },
}

function startWorker(file: string, data: object): Worker {
  return new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
    workerData: { entry: new URL(file, import.meta.url).href, ...data },
  })
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
  // The server, in a worker of its own.
  const server = startWorker(kind === 'wakepoll' ? './server-wakepoll.ts' : './server-net.ts', {})
  const [ready] = (await once(server, 'message')) as [{ port: number; stop?: WakerHandle }]
  const serverStop = ready.stop ? Waker.fromHandle(ready.stop) : null

  // The load, in a second worker.
  const data: ClientData = { port: ready.port, connections: CONNECTIONS, size: SIZE, maxMs: DURATION * 1000 + 5000 }
  const client = startWorker('./client.ts', data)
  const [{ stop }] = (await once(client, 'message')) as [{ stop: WakerHandle }]
  const clientStop = Waker.fromHandle(stop)

  const label = `${kind.padEnd(8)} round ${r}/${ROUNDS}`
  const t = totals[kind]
  let second = 0
  const finished = new Promise<void>((resolve, reject) => {
    client.on('error', reject)
    client.on('message', (rep: ClientReport) => {
      t.msgs += rep.latenciesMs.length
      t.ms += rep.elapsedMs
      t.latencies.push(rep.latenciesMs)
      if (rep.elapsedMs >= 200) {
        const { p50, p99 } = percentiles([rep.latenciesMs])
        const rate = (rep.latenciesMs.length * 1000) / rep.elapsedMs
        console.log(`  ${label}  ${String(++second).padStart(2)}s  ${fmtRate(rate)} msgs/s  p50 ${fmtMs(p50)}  p99 ${fmtMs(p99)}`)
      }
      if (rep.done) resolve()
    })
  })
  server.on('error', (err) => console.error(`${kind} server:`, err))

  await new Promise((resolve) => setTimeout(resolve, DURATION * 1000))
  clientStop.wake() // ends the client's Poll; it sends its last report and exits
  await finished
  await once(client, 'exit')
  clientStop.close()

  if (serverStop) {
    serverStop.wake() // ends the server's Poll: it closes every socket and exits
  } else {
    server.postMessage({ stop: true })
  }
  await once(server, 'exit')
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
