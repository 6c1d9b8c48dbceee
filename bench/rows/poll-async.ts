// Row 3: the pollAsync round trip on the main thread — wake a worker blocked in Poll.poll, await
// its answer with poll.pollAsync — beside the same with Atomics.waitAsync (the worker blocked in
// Atomics.wait). Batches alternate.

import { atMost, type RowOptions, type RowResult, toMicros } from '../row.ts'
import { pairedRatio, summarize } from '../stats.ts'
import { PONG, WakePeer } from './wake-peer.ts'

export async function pollAsyncRoundTrip({ quick, log }: RowOptions): Promise<RowResult> {
  const batches = quick ? 3 : 15
  const rounds = quick ? 300 : 2_000
  const peer = await WakePeer.start()
  const { poll, events, flag } = peer
  const ms = { wakepoll: [] as Float64Array[], atomics: [] as Float64Array[] }

  for (let b = 0; b < batches; b++) {
    let out = new Float64Array(rounds)
    await peer.begin('wakepoll', rounds)
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now()
      peer.wakeWorker.wake()
      do await poll.pollAsync(events, null)
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
      while (Atomics.load(flag, 0) !== 2) {
        const wait = Atomics.waitAsync(flag, 0, 1)
        if (wait.async) await wait.value
      }
      Atomics.store(flag, 0, 0)
      out[i] = performance.now() - t0
    }
    ms.atomics.push(out)
    log(`  row 3: batch ${b + 1}/${batches}`)
  }
  await peer.close()

  const us = { wakepoll: ms.wakepoll.map(toMicros), atomics: ms.atomics.map(toMicros) }
  return {
    id: 'poll-async-roundtrip',
    title: `pollAsync round trip on the main thread (${batches} × ${rounds} per method)`,
    series: [
      { label: 'wakepoll pollAsync (worker in Poll.poll)', unit: 'µs', summary: summarize(us.wakepoll) },
      { label: 'Atomics.waitAsync (worker in Atomics.wait)', unit: 'µs', summary: summarize(us.atomics) },
    ],
    ratios: [atMost('pollAsync / Atomics.waitAsync', pairedRatio(us.wakepoll, us.atomics), 1.0)],
    notes: [],
  }
}
