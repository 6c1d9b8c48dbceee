// Row 4: TCP echo throughput. The wakepoll echo server (its whole loop in one worker) beside a
// node:net echo server (one worker), under the same native client (bench_peer echo-client, a
// separate process), the same connections and message size; rounds alternate. The ratio is the
// median over round pairs of msgs/s; p99 latency over all messages of each server.

import { type EchoServer, type ServerKind, startServer } from '../../examples/echo/run.ts'
import { runPeerAsync } from '../peer.ts'
import { atLeast, atMost, type RowOptions, type RowResult } from '../row.ts'
import { median, summarize } from '../stats.ts'

interface Round {
  msgsPerS: number
  latenciesMs: Float64Array
}

async function round(kind: ServerKind, load: { connections: number; size: number; seconds: number }): Promise<Round> {
  const server: EchoServer = await startServer(kind)
  try {
    const { samples, elapsedNs } = await runPeerAsync('echo-client', server.port, load.connections, load.size, load.seconds)
    return { msgsPerS: (samples.length * 1e9) / elapsedNs!, latenciesMs: samples.map((ns) => ns / 1e6) }
  } finally {
    await server.stop()
  }
}

export async function echoThroughput({ quick, log }: RowOptions): Promise<RowResult> {
  const load = { connections: 64, size: 64, seconds: quick ? 1 : 3 }
  const rounds = quick ? 1 : 8
  const results: Record<ServerKind, Round[]> = { wakepoll: [], 'node:net': [] }
  for (let r = 0; r < rounds; r++) {
    for (const kind of ['wakepoll', 'node:net'] as const) results[kind].push(await round(kind, load))
    const rate = (kind: ServerKind) => Math.round(results[kind][r]!.msgsPerS)
    log(`  row 4: round ${r + 1}/${rounds}: wakepoll ${rate('wakepoll')} msgs/s, node:net ${rate('node:net')} msgs/s`)
  }
  const rates = (kind: ServerKind) => [Float64Array.from(results[kind], (x) => x.msgsPerS)]
  const latency = (kind: ServerKind) => summarize(results[kind].map((x) => x.latenciesMs))
  const perPair = results.wakepoll.map((w, i) => w.msgsPerS / results['node:net'][i]!.msgsPerS)
  return {
    id: 'echo',
    title:
      `TCP echo, ${load.connections} connections × ${load.size} B, closed loop, one server thread each ` +
      `(${rounds} × ${load.seconds} s per server)`,
    series: [
      { label: 'wakepoll echo server (worker): throughput', unit: 'msgs/s', summary: summarize(rates('wakepoll')) },
      { label: 'node:net echo server (worker): throughput', unit: 'msgs/s', summary: summarize(rates('node:net')) },
      { label: 'wakepoll echo server: latency', unit: 'ms', summary: latency('wakepoll') },
      { label: 'node:net echo server: latency', unit: 'ms', summary: latency('node:net') },
    ],
    ratios: [
      atLeast('wakepoll / node:net msgs/s', median(perPair), 1.5),
      atMost('wakepoll / node:net p99 latency', latency('wakepoll').p99 / latency('node:net').p99, 1.0),
    ],
    notes: ['row 4: the client is native (the Rust core, bench_peer echo-client) and the same for both servers'],
  }
}
