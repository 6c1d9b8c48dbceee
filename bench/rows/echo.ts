// Row 4: TCP echo throughput. The wakepoll echo server (its whole loop in one worker) beside a
// node:net echo server (one worker), under the same wakepoll client in a second worker, the
// same connections and message size; rounds alternate. The ratio is the median over round pairs
// of msgs/s; p99 latency over all messages of each server.

import { echoRound, type EchoRound } from '../../examples/echo/run.ts'
import { atLeast, atMost, type RowOptions, type RowResult } from '../row.ts'
import { median, summarize } from '../stats.ts'

export async function echoThroughput({ quick, log }: RowOptions): Promise<RowResult> {
  const load = { connections: 64, size: 64, durationS: quick ? 1 : 3 }
  const rounds = quick ? 1 : 8
  const results = { wakepoll: [] as EchoRound[], net: [] as EchoRound[] }
  for (let r = 0; r < rounds; r++) {
    results.wakepoll.push(await echoRound('wakepoll', load))
    results.net.push(await echoRound('node:net', load))
    const rate = (x: EchoRound) => Math.round((x.msgs * 1000) / x.ms)
    log(`  row 4: round ${r + 1}/${rounds}: wakepoll ${rate(results.wakepoll[r]!)} msgs/s, node:net ${rate(results.net[r]!)} msgs/s`)
  }
  const rates = (rs: EchoRound[]) => [Float64Array.from(rs, (x) => (x.msgs * 1000) / x.ms)]
  const latency = (rs: EchoRound[]) => summarize(rs.flatMap((x) => x.latencies))
  const perPair = results.wakepoll.map((w, i) => w.msgs / w.ms / (results.net[i]!.msgs / results.net[i]!.ms))
  const p99 = { wakepoll: latency(results.wakepoll).p99, net: latency(results.net).p99 }
  return {
    id: 'echo',
    title: `TCP echo, ${load.connections} connections × ${load.size} B, closed loop, one server thread each (${rounds} × ${load.durationS} s per server)`,
    series: [
      { label: 'wakepoll echo server: throughput', unit: 'msgs/s', summary: summarize(rates(results.wakepoll)) },
      { label: 'node:net echo server: throughput', unit: 'msgs/s', summary: summarize(rates(results.net)) },
      { label: 'wakepoll echo server: latency', unit: 'ms', summary: latency(results.wakepoll) },
      { label: 'node:net echo server: latency', unit: 'ms', summary: latency(results.net) },
    ],
    ratios: [
      atLeast('wakepoll / node:net msgs/s', median(perPair), 1.5),
      atMost('wakepoll / node:net p99 latency', p99.wakepoll / p99.net, 1.0),
    ],
    notes: ['the client is wakepoll in a worker for both servers (a node:net client caps near node:net’s own rate)'],
  }
}
