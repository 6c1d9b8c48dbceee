// Child process of poll-async-reuse.test.ts: whether the process exits by itself after many
// pollAsync waits whose Polls keep their libuv handle (src/poll_watch.rs) across waits.
//
//   node --import tsx __test__/helpers/poll-async-reuse-child.ts <mode>
//
// Prints one line per step on stdout; the parent reads them. Modes:
//
// * idle — 1,000 pollAsync waits on one Poll, a blocking poll and more waits in between, a wake
//   that no wait collects, and 8 more Polls after 3 waits each; every Poll is left open. Prints
//   "done <wrong>" (waits that did not resolve with their token) and ends its script: the
//   process must exit by itself.
// * pending — 100 waits, then one that only a wake from an unref'd worker ends, once the parent
//   writes a line; "pending" is printed from an unref'd timer, so only if the pending wait keeps
//   the loop alive. Then "resolved <count> <token>", and the process must exit by itself.

import { Worker } from 'node:worker_threads'

import { Events, Poll, Waker } from '../../index.ts'

const say = (line: string): void => void process.stdout.write(`${line}\n`)
const mode = process.argv[2]
process.on('beforeExit', () => say('beforeExit'))

/** `count` waits of `poll`, each ended by a wake of `waker` made just before it. */
async function waits(poll: Poll, waker: Waker, token: number, count: number): Promise<number> {
  const events = new Events(4)
  let wrong = 0
  for (let i = 0; i < count; i++) {
    waker.wake()
    if ((await poll.pollAsync(events, null)) !== 1 || events.token(0) !== token) wrong++
  }
  return wrong
}

if (mode === 'idle') {
  const poll = new Poll()
  const waker = new Waker(poll.registry, 7)
  let wrong = await waits(poll, waker, 7, 500)
  waker.wake()
  if (poll.poll(new Events(4), 10_000) !== 1) wrong++ // blocking: the selector watches the loop
  wrong += await waits(poll, waker, 7, 500)
  waker.wake() // collected by no one: the handle sees it with no wait
  const others: Poll[] = []
  for (let i = 0; i < 8; i++) {
    const other = new Poll()
    others.push(other)
    wrong += await waits(other, new Waker(other.registry, 1), 1, 3)
  }
  // Reachable to the end (a collected Poll's handle is closed, which would prove nothing).
  process.on('exit', () => void others.length)
  say(`done ${wrong}`)
} else if (mode === 'pending') {
  const poll = new Poll()
  const waker = new Waker(poll.registry, 7)
  const wrong = await waits(poll, waker, 7, 100)
  const events = new Events(4)
  let pending = true
  process.on('beforeExit', () => {
    if (pending) say('beforeExit while pending')
  })
  const worker = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
    workerData: {
      entry: new URL('./worker-scenarios.ts', import.meta.url).href,
      scenario: 'wake-on-stdin-line',
      waker: waker.handle,
    },
  })
  worker.on('error', (err) => say(`worker error ${String(err)}`))
  worker.unref()
  poll.pollAsync(events, null).then(
    (n) => {
      pending = false
      say(`resolved ${n} ${n > 0 ? events.token(0) : '-'} wrong ${wrong}`)
    },
    (err: unknown) => {
      pending = false
      say(`rejected ${String((err as { code?: unknown }).code)}`)
    },
  )
  setTimeout(() => say('pending'), 1).unref()
} else {
  throw new Error(`unknown mode ${JSON.stringify(mode)}`)
}
