// Row 1: the cross-thread wake round trip, main thread ↔ worker, each side blocked while it
// waits: wakepoll Wakers (each side in Poll.poll), Atomics.wait/notify, MessagePort, and the
// Rust core's own round trip between two native threads (bench_peer). Batches alternate. Each
// placement in turn (placement.ts): the main thread and its worker — and the core's two
// threads — on one CPU, then on two, so that every method is compared where the others ran.

import { runPeer } from '../peer.ts'
import { currentThreadId, pinThreads, THREAD_PLACEMENTS } from '../placement.ts'
import { atMost, type Ratio, type RowOptions, type RowResult, type Series } from '../row.ts'
import { pairedRatio, summarize } from '../stats.ts'
import { WakePeer } from './wake-peer.ts'

export async function wakeRoundTrip({ quick, log }: RowOptions): Promise<RowResult> {
  const batches = quick ? 3 : 15
  const rounds = quick ? 300 : 2_000
  const peer = await WakePeer.start()
  const mainTid = currentThreadId()
  const series: Series[] = []
  const ratios: Ratio[] = []
  let notes = ['row 1: each side pinned to one CPU, then to two (main / the core\'s measuring thread on CPU 0, the peer on CPU 1)']
  for (const placement of THREAD_PLACEMENTS) {
    const pinned = pinThreads(placement, mainTid, peer.workerTid)
    const where = pinned ? placement.name : 'unpinned'
    const cpus = pinned ? [placement.main, placement.worker] : []
    const us = { wakepoll: [] as Float64Array[], atomics: [] as Float64Array[], port: [] as Float64Array[] }
    const core: Float64Array[] = []
    try {
      for (let b = 0; b < batches; b++) {
        us.wakepoll.push(await peer.batch('wakepoll', rounds, peer.wakepollRoundTrip))
        us.atomics.push(await peer.batch('atomics', rounds, peer.atomicsRoundTrip))
        us.port.push(await peer.batchAsync('port', rounds, peer.portRoundTrip))
        core.push(runPeer('roundtrip', rounds, ...cpus).map((ns) => ns / 1000))
        log(`  row 1 (${where}): batch ${b + 1}/${batches}`)
      }
    } finally {
      pinned?.restore()
    }
    series.push(
      { label: `${where}: wakepoll Waker, both sides in Poll.poll`, unit: 'µs', summary: summarize(us.wakepoll) },
      { label: `${where}: Atomics.wait / Atomics.notify`, unit: 'µs', summary: summarize(us.atomics) },
      { label: `${where}: MessagePort`, unit: 'µs', summary: summarize(us.port) },
      { label: `${where}: Rust core alone (two native threads)`, unit: 'µs', summary: summarize(core) },
    )
    ratios.push(
      atMost(`wakepoll / Atomics, ${where}`, pairedRatio(us.wakepoll, us.atomics), 1.0),
      atMost(`wakepoll / Rust core, ${where}`, pairedRatio(us.wakepoll, core), 1.15),
      atMost(`wakepoll / MessagePort, ${where}`, pairedRatio(us.wakepoll, us.port), 1.0),
    )
    if (!pinned) {
      notes = ['row 1: threads not pinned (not Linux, one CPU, or taskset failed): one placement only']
      break
    }
  }
  await peer.close()

  return {
    id: 'wake-roundtrip',
    title: `Cross-thread wake round trip, main ↔ worker (${batches} × ${rounds} per method and placement)`,
    series,
    ratios,
    notes,
  }
}
