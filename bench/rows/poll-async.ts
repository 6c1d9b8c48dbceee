// Row 3: the pollAsync round trip on the main thread — wake a worker blocked in Poll.poll, await
// its answer with poll.pollAsync — beside the same with Atomics.waitAsync (the worker blocked in
// Atomics.wait). Batches alternate.

import { currentThreadId, pinThreads, THREAD_PLACEMENTS } from '../placement.ts'
import { atMost, type Ratio, type RowOptions, type RowResult, type Series } from '../row.ts'
import { pairedRatio, summarize } from '../stats.ts'
import { WakePeer } from './wake-peer.ts'

export async function pollAsyncRoundTrip({ quick, log }: RowOptions): Promise<RowResult> {
  const batches = quick ? 3 : 15
  const rounds = quick ? 300 : 2_000
  const peer = await WakePeer.start()
  const mainTid = currentThreadId()
  const series: Series[] = []
  const ratios: Ratio[] = []
  let notes = ['row 3: main thread and worker pinned to one CPU, then to two (main on CPU 0, worker on CPU 1)']
  // Each placement in turn (placement.ts); unpinned when the machine cannot pin.
  for (const placement of THREAD_PLACEMENTS) {
    const pinned = pinThreads(placement, mainTid, peer.workerTid)
    const where = pinned ? placement.name : 'unpinned'
    const us = { wakepoll: [] as Float64Array[], atomics: [] as Float64Array[] }
    try {
      for (let b = 0; b < batches; b++) {
        us.wakepoll.push(await peer.batchAsync('wakepoll', rounds, peer.pollAsyncRoundTrip))
        us.atomics.push(await peer.batchAsync('atomics', rounds, peer.atomicsAsyncRoundTrip))
        log(`  row 3 (${where}): batch ${b + 1}/${batches}`)
      }
    } finally {
      pinned?.restore()
    }
    series.push(
      { label: `${where}: wakepoll pollAsync (worker in Poll.poll)`, unit: 'µs', summary: summarize(us.wakepoll) },
      { label: `${where}: Atomics.waitAsync (worker in Atomics.wait)`, unit: 'µs', summary: summarize(us.atomics) },
    )
    ratios.push(atMost(`pollAsync / Atomics.waitAsync, ${where}`, pairedRatio(us.wakepoll, us.atomics), 0.9))
    if (!pinned) {
      notes = ['row 3: threads not pinned (not Linux, one CPU, or taskset failed): one placement only']
      break
    }
  }
  await peer.close()

  return {
    id: 'poll-async-roundtrip',
    title: `pollAsync round trip on the main thread (${batches} × ${rounds} per method and placement)`,
    series,
    ratios,
    notes,
  }
}
