// Row 3: the pollAsync round trip on the main thread — wake a worker blocked in Poll.poll, await
// its answer with poll.pollAsync — beside the same with Atomics.waitAsync (the worker blocked in
// Atomics.wait). Batches alternate.

import { atMost, type RowOptions, type RowResult } from '../row.ts'
import { pairedRatio, summarize } from '../stats.ts'
import { WakePeer } from './wake-peer.ts'

export async function pollAsyncRoundTrip({ quick, log }: RowOptions): Promise<RowResult> {
  const batches = quick ? 3 : 15
  const rounds = quick ? 300 : 2_000
  const peer = await WakePeer.start()
  const us = { wakepoll: [] as Float64Array[], atomics: [] as Float64Array[] }
  for (let b = 0; b < batches; b++) {
    us.wakepoll.push(await peer.batchAsync('wakepoll', rounds, peer.pollAsyncRoundTrip))
    us.atomics.push(await peer.batchAsync('atomics', rounds, peer.atomicsAsyncRoundTrip))
    log(`  row 3: batch ${b + 1}/${batches}`)
  }
  await peer.close()

  return {
    id: 'poll-async-roundtrip',
    title: `pollAsync round trip on the main thread (${batches} × ${rounds} per method)`,
    series: [
      { label: 'wakepoll pollAsync (worker in Poll.poll)', unit: 'µs', summary: summarize(us.wakepoll) },
      { label: 'Atomics.waitAsync (worker in Atomics.wait)', unit: 'µs', summary: summarize(us.atomics) },
    ],
    ratios: [atMost('pollAsync / Atomics.waitAsync', pairedRatio(us.wakepoll, us.atomics), 0.9)],
    notes: [],
  }
}
