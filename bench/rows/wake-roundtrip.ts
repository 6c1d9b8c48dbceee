// Row 1: the cross-thread wake round trip, main thread ↔ worker, each side blocked while it
// waits: wakepoll Wakers (each side in Poll.poll), Atomics.wait/notify, MessagePort, and the
// Rust core's own round trip between two native threads (bench_peer). Batches alternate.

import { runPeer } from '../peer.ts'
import { atMost, type RowOptions, type RowResult } from '../row.ts'
import { pairedRatio, summarize } from '../stats.ts'
import { WakePeer } from './wake-peer.ts'

export async function wakeRoundTrip({ quick, log }: RowOptions): Promise<RowResult> {
  const batches = quick ? 3 : 15
  const rounds = quick ? 300 : 2_000
  const peer = await WakePeer.start()
  const us = { wakepoll: [] as Float64Array[], atomics: [] as Float64Array[], port: [] as Float64Array[] }
  const core: Float64Array[] = []
  for (let b = 0; b < batches; b++) {
    us.wakepoll.push(await peer.batch('wakepoll', rounds, peer.wakepollRoundTrip))
    us.atomics.push(await peer.batch('atomics', rounds, peer.atomicsRoundTrip))
    us.port.push(await peer.batchAsync('port', rounds, peer.portRoundTrip))
    core.push(runPeer('roundtrip', rounds).map((ns) => ns / 1000))
    log(`  row 1: batch ${b + 1}/${batches}`)
  }
  await peer.close()

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
