// Child process for the keep-alive checks in poll-async.test.ts (issue: "A pending pollAsync
// keeps the process alive; nothing else wakepoll holds (Poll, Waker, Registry objects) does").
//
//   node --import tsx __test__/helpers/keepalive-child.ts <mode>
//
// Prints one line per step on stdout; the parent reads them. Modes:
//
// * pending — starts pollAsync(events, null) and nothing else that keeps the event loop alive:
//   the worker that will wake it is unref'd and waits for a line on stdin (written by the
//   parent). "pending" is printed from an unref'd timer, which only runs if something keeps the
//   loop alive; 'beforeExit' while the wait is pending means that nothing did. When the parent
//   writes a line, the worker wakes the Poll: "resolved <count> <token>", then the process must
//   end by itself (exit code 0).
// * idle — makes a Poll, Events, Wakers (also from a handle), a Registry from a handle and
//   leaves them all open; prints "done" and ends its script: the process must exit by itself.
// * settled — pollAsync calls that ended (resolved, timed out, aborted, rejected EBUSY) and a
//   watch() left by `break`; prints "done" and ends: the process must exit by itself.

import { Worker } from 'node:worker_threads'

import { Events, Poll, Registry, Waker } from '../../index.ts'

const say = (line: string): void => void process.stdout.write(`${line}\n`)
const mode = process.argv[2]

process.on('beforeExit', () => say('beforeExit'))

if (mode === 'pending') {
  const poll = new Poll()
  const events = new Events(4)
  const waker = new Waker(poll.registry, 7)
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
      say(`resolved ${n} ${n > 0 ? events.token(0) : '-'}`)
      poll.close()
    },
    (err: unknown) => {
      pending = false
      say(`rejected ${String((err as { code?: unknown }).code)}`)
      poll.close()
    },
  )
  setTimeout(() => say('pending'), 1).unref()
} else if (mode === 'idle') {
  const poll = new Poll()
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  const copy = Waker.fromHandle(waker.handle)
  const registry = Registry.fromHandle(poll.registry.handle)
  const second = new Waker(registry, 2)
  const unused = new Poll()
  copy.wake()
  say(`polled ${poll.poll(events, 0)}`)
  second.wake() // a wake nobody collects
  void unused
  say('done')
} else if (mode === 'settled') {
  const poll = new Poll()
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  waker.wake()
  say(`resolved ${await poll.pollAsync(events, null)}`)
  say(`timed out ${await poll.pollAsync(events, 1)}`)
  const controller = new AbortController()
  const aborted = poll.pollAsync(events, null, { signal: controller.signal })
  controller.abort()
  say(`aborted ${await aborted.then(String, (err: { name?: unknown }) => String(err.name))}`)
  const first = poll.pollAsync(events, null)
  const busy = await poll.pollAsync(new Events(1), null).then(String, (err: { code?: unknown }) => String(err.code))
  waker.wake()
  say(`busy ${busy}, then resolved ${await first}`)
  waker.wake()
  for await (const batch of poll.watch(events)) {
    say(`watched ${batch.length}`)
    break
  }
  say('done')
} else {
  throw new Error(`unknown mode ${JSON.stringify(mode)}`)
}
