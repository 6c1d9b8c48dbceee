// Row 8: a real server under the real load generator. redis-benchmark (Redis's own, native,
// from redis-tools) with 50 connections, at -P 1 and -P 16, against the wakepoll kv server
// (examples/kv, one worker), the same store on node:net (examples/kv/server-net.ts) and
// redis-server itself (one thread on epoll, in C: the physical limit for the same work).
// Placed as row 4: the server side (this process and what it spawns) on CPU 0, redis-benchmark
// on CPU 1. Rounds alternate (the order rotates); a ratio is the median of per-round ratios.
// Each round runs -t set,get (random keys out of 100,000); the row's figure per server is the
// mean of SET's and GET's requests/s.

import { INSTALL_HINT, type KvKind, type RunningServer, runBenchmark, startServer, which } from '../../examples/kv/run.ts'
import { pinApart } from '../placement.ts'
import { atLeast, type RowOptions, type RowResult, type Series } from '../row.ts'
import { median, summarize } from '../stats.ts'

const KINDS: readonly KvKind[] = ['wakepoll kv', 'node:net kv', 'redis-server']
const PIPELINES = [1, 16] as const
const TARGET_REDIS: Record<number, number> = { 1: 0.85, 16: 0.5 }
const TARGET_NET = 1.5

export async function kvThroughput({ quick, log }: RowOptions): Promise<RowResult> {
  const title = 'redis-benchmark -c 50 -t set,get -r 100000: wakepoll kv (one worker) against node:net kv and redis-server'
  if (which('redis-benchmark') === null || which('redis-server') === null) {
    const note = `row 8 needs redis-benchmark and redis-server, which are not installed: ${INSTALL_HINT}`
    log(`  ${note}`)
    return { id: 'kv', title, series: [], ratios: [], notes: [note] }
  }
  const rounds = quick ? 1 : 6
  const requests: Record<number, number> = quick ? { 1: 20_000, 16: 200_000 } : { 1: 200_000, 16: 2_000_000 }
  const rates: Record<number, Record<KvKind, number[]>> = {
    1: { 'wakepoll kv': [], 'node:net kv': [], 'redis-server': [] },
    16: { 'wakepoll kv': [], 'node:net kv': [], 'redis-server': [] },
  }
  const placement = pinApart()
  const servers = new Map<KvKind, RunningServer>()
  try {
    for (const kind of KINDS) servers.set(kind, await startServer(kind))
    // A warm-up run each (V8's JIT, the keyspace filled): not counted.
    for (const kind of KINDS) {
      const warmUp = { clients: 50, requests: quick ? 20_000 : 500_000, pipeline: 16, tests: 'set,get', keyspace: 100_000 }
      await runBenchmark(servers.get(kind)!.port, warmUp, placement.clientCommand)
    }
    for (let r = 0; r < rounds; r++) {
      for (const pipeline of PIPELINES) {
        for (let k = 0; k < KINDS.length; k++) {
          const kind = KINDS[(r + k) % KINDS.length]!
          const load = { clients: 50, requests: requests[pipeline]!, pipeline, tests: 'set,get', keyspace: 100_000 }
          const { rps } = await runBenchmark(servers.get(kind)!.port, load, placement.clientCommand)
          rates[pipeline]![kind].push(((rps.get('SET') ?? NaN) + (rps.get('GET') ?? NaN)) / 2)
        }
        const line = KINDS.map((k) => `${k} ${Math.round(rates[pipeline]![k][r]!)}`).join(', ')
        log(`  row 8: round ${r + 1}/${rounds}, -P ${pipeline}: ${line} req/s`)
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()))
    placement.restore()
  }
  const series: Series[] = []
  for (const pipeline of PIPELINES) {
    for (const kind of KINDS) {
      series.push({ label: `-P ${pipeline}: ${kind}`, unit: 'req/s', summary: summarize([Float64Array.from(rates[pipeline]![kind])]) })
    }
  }
  const perRound = (pipeline: number, peer: KvKind) => median(rates[pipeline]!['wakepoll kv'].map((w, i) => w / rates[pipeline]![peer][i]!))
  return {
    id: 'kv',
    title: `${title} (${rounds} round(s) × ${PIPELINES.length} pipelines × ${KINDS.length} servers)`,
    series,
    ratios: PIPELINES.flatMap((p) => [
      atLeast(`wakepoll kv / redis-server req/s, -P ${p}`, perRound(p, 'redis-server'), TARGET_REDIS[p]!),
      atLeast(`wakepoll kv / node:net kv req/s, -P ${p}`, perRound(p, 'node:net kv'), TARGET_NET),
    ]),
    notes: [
      'row 8: redis-benchmark (native) is the client for every server; each server is a process of its own; ' +
        `a figure is the mean of SET and GET req/s; placement: ${placement.description}`,
    ],
  }
}
