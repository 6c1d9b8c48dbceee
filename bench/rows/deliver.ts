// Row 2: delivering K = 1024 ready events to JS and reading their tokens by index, in ns per
// event, beside the Rust core doing the same (bench_peer deliver). K Wakers of one Poll are all
// woken (not timed), then one poll(events, 0) and the token reads are timed. Batches alternate.

import { Events, Poll, Waker } from '../../index.ts'
import { runPeer } from '../peer.ts'
import { atMost, type RowOptions, type RowResult } from '../row.ts'
import { pairedRatio, summarize } from '../stats.ts'

const K = 1024

export async function deliverEvents({ quick, log }: RowOptions): Promise<RowResult> {
  const batches = quick ? 3 : 15
  const rounds = quick ? 50 : 300
  const poll = new Poll()
  const events = new Events(K)
  const wakers = Array.from({ length: K }, (_, i) => new Waker(poll.registry, i))
  const js: Float64Array[] = []
  const core: Float64Array[] = []
  let checksum = 0

  for (let b = 0; b < batches; b++) {
    const out = new Float64Array(rounds)
    for (let r = 0; r < rounds; r++) {
      for (const w of wakers) w.wake()
      const t0 = process.hrtime.bigint()
      const n = poll.poll(events, 0)
      for (let i = 0; i < n; i++) checksum += events.token(i)
      const ns = Number(process.hrtime.bigint() - t0)
      if (n !== K) throw new Error(`expected ${K} events, got ${n}`)
      out[r] = ns / n
    }
    js.push(out)
    core.push(runPeer('deliver', K, rounds))
    log(`  row 2: batch ${b + 1}/${batches}`)
  }
  for (const w of wakers) w.close()
  poll.close()
  if (checksum !== ((K * (K - 1)) / 2) * batches * rounds) throw new Error('tokens read wrong')

  return {
    id: 'deliver-events',
    title: `${K} ready events delivered to JS, tokens read by index (${batches} × ${rounds} polls)`,
    series: [
      { label: 'wakepoll: poll(events, 0) + events.token(i)', unit: 'ns/event', summary: summarize(js) },
      { label: 'Rust core: poll + event.token()', unit: 'ns/event', summary: summarize(core) },
    ],
    ratios: [atMost('wakepoll / Rust core', pairedRatio(js, core), 1.5)],
    notes: [],
  }
}
