// Row 5's measuring process (a child of the bench, so every measurement starts from a fresh
// heap): loads wakepoll, opens one Poll, does the work its mode names, collects garbage and
// prints its resident set size in bytes as JSON.
//
//   node --expose-gc --import tsx bench/rows/memory-child.ts baseline|wakes|registrations <n>

import { Events, Interest, Poll, SyncEvent, Waker } from '../../index.ts'

const [mode, count] = [process.argv[2], Number(process.argv[3] ?? 0)]
const poll = new Poll()
const events = new Events(64)

if (mode === 'wakes') {
  // n wakes, each collected by a poll, as a worker loop woken from elsewhere would see them.
  const waker = new Waker(poll.registry, 1)
  for (let i = 0; i < count; i++) {
    waker.wake()
    poll.poll(events, 0)
  }
  waker.close()
} else if (mode === 'registrations') {
  // n registrations: 1000 sources registered and deregistered in turn, n / 1000 times.
  const sources = Array.from({ length: 1000 }, () => new SyncEvent())
  for (let done = 0; done < count; done += sources.length) {
    sources.forEach((s, i) => poll.registry.register(s, i, Interest.READABLE))
    for (const s of sources) poll.registry.deregister(s)
  }
  for (const s of sources) s.close()
} else if (mode !== 'baseline') {
  throw new Error(`unknown mode ${mode}`)
}

globalThis.gc?.()
globalThis.gc?.()
poll.close()
process.stdout.write(JSON.stringify({ rss: process.memoryUsage.rss() }) + '\n')
