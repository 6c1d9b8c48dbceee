// poll.watch(events, { signal }): an async iterator over batches of events. Each iteration
// waits with pollAsync(events, null) and yields the same `events` object; the iteration ends
// when the Poll is closed and throws Node's AbortError when the signal aborts.

import { setImmediate as nextTurn } from 'node:timers/promises'

import test, { type ThrowsExpectation } from 'ava'

import { Events, Poll, Waker } from '../index.ts'
import { newPoll, pollTokens } from './helpers/expect.js'
import { Signals } from './helpers/threads.js'
import { testUnlessLibkqueueGap } from './helpers/libkqueue.js'
import { startWorker } from './helpers/workers.js'

const abortError: ThrowsExpectation<Error> = { instanceOf: Error, name: 'AbortError', code: 'ABORT_ERR' }

function tokensOf(events: Events): number[] {
  const tokens: number[] = []
  for (let i = 0; i < events.length; i++) tokens.push(events.token(i))
  return tokens
}

testUnlessLibkqueueGap(1)('yields the same events object once per batch: 3 acked wakes from a worker, 3 iterations', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const wakers = [1, 2, 3].map((token) => new Waker(poll.registry, token))
  const signals = new Signals()
  const worker = startWorker(
    t,
    'wake-in-rounds',
    { wakers: wakers.map((w) => w.handle), signals: signals.buffer },
    {
      rescue: () => {
        signals.set('STOP', 1)
        signals.set('MAIN_POLLING', 1)
        signals.set('MAIN_ROUNDS', 1_000)
      },
    },
  )

  const batches: number[][] = []
  signals.set('MAIN_POLLING', 1)
  for await (const batch of poll.watch(events)) {
    t.is(batch, events, 'the very events object passed in')
    t.true(batch.length > 0, 'a batch is never empty')
    batches.push(tokensOf(batch))
    // The worker makes wake n+1 only after this ack: each wake is its own batch.
    t.is(signals.get('WORKER_ROUNDS'), batches.length, 'no wake is reported before it was made')
    signals.set('MAIN_ROUNDS', batches.length)
    if (batches.length === 3) break
  }
  t.deepEqual(batches, [[1], [2], [3]])
  t.is(await worker.nextMessage(), 'done')
  t.is(await worker.exited, 0)
  t.is(poll.poll(events, 0), 0, 'nothing left over')
})

testUnlessLibkqueueGap(1)('a batch holds every event ready at the time, up to the capacity', async (t) => {
  const poll = newPoll(t)
  const events = new Events(2)
  const wakers = [1, 2, 3].map((token) => new Waker(poll.registry, token))
  for (const waker of wakers) waker.wake()
  const seen: number[] = []
  const sizes: number[] = []
  for await (const batch of poll.watch(events)) {
    sizes.push(batch.length)
    seen.push(...tokensOf(batch))
    if (seen.length >= 3) break
  }
  t.deepEqual(sizes, [2, 1])
  t.deepEqual(
    seen.sort((a, b) => a - b),
    [1, 2, 3],
  )
})

testUnlessLibkqueueGap(1)('close() in the loop body ends the loop normally', async (t) => {
  const poll = new Poll()
  t.teardown(() => poll.close())
  const events = new Events(4)
  new Waker(poll.registry, 1).wake()
  let iterations = 0
  await t.notThrowsAsync(async () => {
    for await (const batch of poll.watch(events)) {
      iterations++
      t.deepEqual(tokensOf(batch), [1])
      poll.close()
    }
  })
  t.is(iterations, 1)
})

testUnlessLibkqueueGap(1)('close() while the iterator waits ends it: the pending next() resolves done', async (t) => {
  const poll = new Poll()
  t.teardown(() => poll.close())
  const iterator = poll.watch(new Events(4))[Symbol.asyncIterator]()
  const next = iterator.next()
  await nextTurn()
  poll.close()
  const result = await next
  t.true(result.done)
  t.true((await iterator.next()).done, 'and stays done')
})

test('watch() of a Poll closed already yields nothing', async (t) => {
  const poll = new Poll()
  poll.close()
  let iterations = 0
  for await (const _ of poll.watch(new Events(4))) iterations++
  t.is(iterations, 0)
})

testUnlessLibkqueueGap(1)('abort while the iterator waits throws AbortError (cause = reason); the Poll stays usable', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 4)
  const controller = new AbortController()
  const reason = { why: 'stop watching' }
  let iterations = 0
  const loop = (async () => {
    for await (const _ of poll.watch(events, { signal: controller.signal })) iterations++
  })()
  await nextTurn()
  controller.abort(reason)
  const err = await t.throwsAsync(loop, abortError)
  t.is((err as Error & { cause?: unknown }).cause, reason)
  t.is(iterations, 0)

  waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [4], 'not busy, and the wake was not eaten')
})

testUnlessLibkqueueGap(1)('abort in the loop body makes the next iteration throw AbortError', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 5)
  const controller = new AbortController()
  waker.wake()
  let iterations = 0
  const err = await t.throwsAsync(async () => {
    for await (const _ of poll.watch(events, { signal: controller.signal })) {
      iterations++
      controller.abort('enough')
      waker.wake() // ready, yet the abort wins
    }
  }, abortError)
  t.is((err as Error & { cause?: unknown }).cause, 'enough')
  t.is(iterations, 1)
})

test('an already-aborted signal makes the first next() throw AbortError', async (t) => {
  const poll = newPoll(t)
  const reason = new Error('early')
  const iterator = poll.watch(new Events(4), { signal: AbortSignal.abort(reason) })[Symbol.asyncIterator]()
  const err = await t.throwsAsync(iterator.next(), abortError)
  t.is((err as Error & { cause?: unknown }).cause, reason)
})

testUnlessLibkqueueGap(1)('break out of for-await leaves the Poll usable (poll, pollAsync, a new watch)', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 6)
  waker.wake()
  for await (const batch of poll.watch(events)) {
    t.deepEqual(tokensOf(batch), [6])
    break
  }
  t.is(poll.poll(events, 0), 0, 'not busy; the batch was consumed')
  waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [6])
  waker.wake()
  t.is(await poll.pollAsync(events, null), 1)
  waker.wake()
  let again = 0
  for await (const batch of poll.watch(events)) {
    again = batch.length
    break
  }
  t.is(again, 1)
})

testUnlessLibkqueueGap(1)('while a watch() waits, pollAsync rejects EBUSY; the watch still gets the next wake', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 7)
  const iterator = poll.watch(events)[Symbol.asyncIterator]()
  const next = iterator.next()
  await nextTurn()
  await t.throwsAsync(() => poll.pollAsync(new Events(4), 0), { code: 'EBUSY' })
  t.throws(() => poll.poll(new Events(4), 0), { code: 'EBUSY' })
  waker.wake()
  const result = await next
  t.false(result.done)
  t.deepEqual(tokensOf(events), [7])
  await iterator.return?.()
})
