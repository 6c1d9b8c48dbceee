// Row 4: TCP echo throughput. The wakepoll echo server (its whole loop in one worker) beside a
// node:net echo server (one worker) and the physical limit — an echo server written straight
// on libc's epoll in Rust (bench_peer echo-server-raw, a process of its own, the same rules) —
// under the same native client (bench_peer echo-client, a separate process), the same
// connections and message size; rounds alternate. Ratios are medians over rounds of the
// per-round msgs/s ratios; p99 latency over all messages of each server.

import { type EchoServer, type ServerKind, startServer } from '../../examples/echo/run.ts'
import { type Placement, pinApart } from '../placement.ts'
import { runPeerAsyncVia, startRawEchoServer } from '../peer.ts'
import { atLeast, atMost, type RowOptions, type RowResult } from '../row.ts'
import { median, summarize } from '../stats.ts'

type Kind = ServerKind | 'raw epoll'
const KINDS: readonly Kind[] = ['wakepoll', 'node:net', 'raw epoll']

interface Round {
  msgsPerS: number
  latenciesMs: Float64Array
}

async function round(
  kind: Kind,
  load: { connections: number; size: number; seconds: number },
  placement: Placement,
): Promise<Round> {
  const server: EchoServer = kind === 'raw epoll' ? await startRawEchoServer() : await startServer(kind)
  try {
    const { samples, elapsedNs } = await runPeerAsyncVia(
      placement.clientCommand,
      'echo-client',
      server.port,
      load.connections,
      load.size,
      load.seconds,
    )
    return { msgsPerS: (samples.length * 1e9) / elapsedNs!, latenciesMs: samples.map((ns) => ns / 1e6) }
  } finally {
    await server.stop()
  }
}

export async function echoThroughput({ quick, log }: RowOptions): Promise<RowResult> {
  const load = { connections: 64, size: 64, seconds: quick ? 1 : 3 }
  const rounds = quick ? 1 : 8
  const results: Record<Kind, Round[]> = { wakepoll: [], 'node:net': [], 'raw epoll': [] }
  const placement = pinApart()
  try {
    for (let r = 0; r < rounds; r++) {
      // Rotate who goes first, so that no server always follows the same one.
      for (let k = 0; k < KINDS.length; k++) {
        const kind = KINDS[(r + k) % KINDS.length]!
        results[kind].push(await round(kind, load, placement))
      }
      const rate = (kind: Kind) => Math.round(results[kind][r]!.msgsPerS)
      log(`  row 4: round ${r + 1}/${rounds}: ${KINDS.map((k) => `${k} ${rate(k)} msgs/s`).join(', ')}`)
    }
  } finally {
    placement.restore()
  }
  const rates = (kind: Kind) => [Float64Array.from(results[kind], (x) => x.msgsPerS)]
  const latency = (kind: Kind) => summarize(results[kind].map((x) => x.latenciesMs))
  const perRound = (kind: Kind) => results.wakepoll.map((w, i) => w.msgsPerS / results[kind][i]!.msgsPerS)
  return {
    id: 'echo',
    title:
      `TCP echo, ${load.connections} connections × ${load.size} B, closed loop, one server thread each ` +
      `(${rounds} × ${load.seconds} s per server)`,
    series: [
      { label: 'wakepoll echo server (worker): throughput', unit: 'msgs/s', summary: summarize(rates('wakepoll')) },
      { label: 'node:net echo server (worker): throughput', unit: 'msgs/s', summary: summarize(rates('node:net')) },
      { label: 'raw epoll echo server (Rust, libc only): throughput', unit: 'msgs/s', summary: summarize(rates('raw epoll')) },
      { label: 'wakepoll echo server: latency', unit: 'ms', summary: latency('wakepoll') },
      { label: 'node:net echo server: latency', unit: 'ms', summary: latency('node:net') },
      { label: 'raw epoll echo server: latency', unit: 'ms', summary: latency('raw epoll') },
    ],
    ratios: [
      atLeast('wakepoll / raw epoll msgs/s (physical limit)', median(perRound('raw epoll')), 0.95),
      atLeast('wakepoll / node:net msgs/s', median(perRound('node:net')), 1.6),
      atMost('wakepoll / node:net p99 latency', latency('wakepoll').p99 / latency('node:net').p99, 1.0),
    ],
    notes: [
      'row 4: the client is native (the Rust core, bench_peer echo-client) and the same for every server; ' +
        'the raw epoll server is Rust on libc epoll/read/write alone, with the wakepoll server\'s rules; ' +
        `placement: ${placement.description}`,
    ],
  }
}
