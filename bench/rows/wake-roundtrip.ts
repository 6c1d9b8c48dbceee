// Row 1: the cross-thread wake round trip, main thread ↔ worker, each side blocked while it
// waits: wakepoll Wakers (each side in Poll.poll), Atomics.wait/notify, MessagePort, and the
// Rust core's own round trip between two native threads (bench_peer). Batches alternate.

import { runPeer } from '../peer.ts'
import { atMost, type RowOptions, type RowResult, toMicros } from '../row.ts'
import { pairedRatio, summarize } from '../stats.ts'
import { PONG, WakePeer } from './wake-peer.ts'

export async function wakeRoundTrip({ quick, log }: RowOptions): Promise<RowResult> {
  const batches = quick ? 3 : 15
  const rounds = quick ? 300 : 2_000
  const peer = await WakePeer.start()
  const { poll, events, flag } = peer
  const ms = { wakepoll: [] as Float64Array[], atomics: [] as Float64Array[], port: [] as Float64Array[] }
  const core: Float64Array[] = []

  for (let b = 0; b < batches; b++) {
    let out = new Float64Array(rounds)
    await peer.begin('wakepoll', rounds)
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now()
      peer.wakeWorker.wake()
      do poll.poll(events, null)
      while (events.length === 0 || events.token(0) !== PONG)
      out[i] = performance.now() - t0
    }
    ms.wakepoll.push(out)

    out = new Float64Array(rounds)
    await peer.begin('atomics', rounds)
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now()
      Atomics.store(flag, 0, 1)
      Atomics.notify(flag, 0)
      while (Atomics.load(flag, 0) !== 2) Atomics.wait(flag, 0, 1)
      Atomics.store(flag, 0, 0)
      out[i] = performance.now() - t0
    }
    ms.atomics.push(out)

    out = new Float64Array(rounds)
    await peer.begin('port', rounds)
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now()
      await peer.portRoundTrip()
      out[i] = performance.now() - t0
    }
    ms.port.push(out)

    core.push(runPeer('roundtrip', rounds).map((ns) => ns / 1000))
    log(`  row 1: batch ${b + 1}/${batches}`)
  }
  await peer.close()

  const us = { wakepoll: ms.wakepoll.map(toMicros), atomics: ms.atomics.map(toMicros), port: ms.port.map(toMicros) }
  return {
    id: 'wake-roundtrip',
    title: `Cross-thread wake round trip, main ↔ worker (${batches} × ${rounds} per method)`,
    series: [
      { label: 'wakepoll Waker, both sides in Poll.poll', unit: 'µs', summary: summarize(us.wakepoll) },
      { label: 'Atomics.wait / Atomics.notify', unit: 'µs', summary: summarize(us.atomics) },
      { label: 'MessagePort', unit: 'µs', summary: summarize(us.port) },
      { label: 'Rust core alone (two native threads)', unit: 'µs', summary: summarize(core) },
    ],
    ratios: [
      atMost('wakepoll / Atomics', pairedRatio(us.wakepoll, us.atomics), 1.0),
      atMost('wakepoll / Rust core', pairedRatio(us.wakepoll, core), 1.15),
      atMost('wakepoll / MessagePort', pairedRatio(us.wakepoll, us.port), 1.0),
    ],
    notes: [],
  }
}
