// pollAsync and watch: the event loop waits, not the thread (without libuv: a waiter thread
// and a Node-API threadsafe function; src/poll_async.rs).
import assert from 'node:assert/strict'
import { Events, Poll, Waker } from 'wakepoll'
import { test } from './harness.mjs'
import { startWorker } from './workers.mjs'

test("pollAsync resolves when a worker's Waker wakes the Poll", async (own) => {
  const poll = own(new Poll())
  const waker = new Waker(poll.registry, 5)
  const w = await startWorker('wake', { waker: waker.handle })
  try {
    const events = new Events(4)
    const pending = poll.pollAsync(events, null)
    w.post('wake')
    assert.equal(await pending, 1)
    assert.equal(events.token(0), 5)
  } finally {
    await w.worker.terminate()
  }
})

test("a worker's pollAsync resolves when the main thread wakes it", async (own) => {
  const w = await startWorker('poll-async')
  try {
    Waker.fromHandle(w.started.waker).wake()
    assert.deepEqual(await w.next(), { type: 'polled', n: 1, token: 3 })
  } finally {
    await w.worker.terminate()
  }
})

test('pollAsync: a timeout resolves 0; an abort rejects with AbortError; close rejects ERR_CLOSED', async (own) => {
  const poll = new Poll()
  const events = new Events(2)
  assert.equal(await poll.pollAsync(events, 5), 0)
  const controller = new AbortController()
  const aborted = poll.pollAsync(events, null, { signal: controller.signal })
  controller.abort()
  await assert.rejects(aborted, { name: 'AbortError' })
  const closed = poll.pollAsync(events, null)
  assert.throws(() => poll.poll(events, 0), { code: 'EBUSY' })
  poll.close()
  await assert.rejects(closed, { code: 'ERR_CLOSED' })
})

test('pollAsync again after each result, many times (the waiter goes back to waiting)', async (own) => {
  const poll = own(new Poll())
  const waker = new Waker(poll.registry, 1)
  const events = new Events(2)
  for (let i = 0; i < 200; i++) {
    const pending = poll.pollAsync(events, null)
    waker.wake()
    assert.equal(await pending, 1)
  }
})

test('watch yields a batch per wake and ends when the Poll closes', async (own) => {
  const poll = new Poll()
  const waker = new Waker(poll.registry, 8)
  const events = new Events(4)
  const seen = []
  waker.wake()
  for await (const batch of poll.watch(events)) {
    seen.push(batch.token(0))
    if (seen.length < 3) waker.wake()
    else poll.close()
  }
  assert.deepEqual(seen, [8, 8, 8])
})
