// Poll, Events, Waker, Registry: the blocking API, within a thread and across workers.
import assert from 'node:assert/strict'
import { Events, Poll, Registry, Waker } from 'wakepoll'
import { test } from './harness.mjs'
import { startWorker } from './workers.mjs'

test('poll(events, 0) returns 0 when nothing is ready, and a woken Waker is reported once', (own) => {
  const poll = own(new Poll())
  const events = new Events(4)
  assert.equal(poll.poll(events, 0), 0)
  const waker = new Waker(poll.registry, 42)
  waker.wake()
  assert.equal(poll.poll(events, 0), 1)
  assert.equal(events.token(0), 42)
  assert.equal(events.isReadable(0), true)
  assert.equal(poll.poll(events, 0), 0)
})

test('a poll with a timeout returns 0 when it passes', (own) => {
  const poll = own(new Poll())
  assert.equal(poll.poll(new Events(1), 5), 0)
})

test("a worker's Waker ends the main thread's poll(events, null)", async (own) => {
  const poll = own(new Poll())
  const waker = new Waker(poll.registry, 7)
  const w = await startWorker('wake', { waker: waker.handle })
  try {
    w.post('wake')
    const events = new Events(4)
    assert.equal(poll.poll(events, null), 1)
    assert.equal(events.token(0), 7)
  } finally {
    await w.worker.terminate()
  }
})

test("the main thread's Waker ends a worker's poll(events, null)", async (own) => {
  const w = await startWorker('own-poll')
  try {
    const waker = Waker.fromHandle(w.started.waker)
    waker.wake()
    const polled = await w.next()
    assert.deepEqual(polled, { type: 'polled', n: 1, token: 9 })
  } finally {
    await w.worker.terminate()
  }
})

test('a Registry reached through its handle registers a Waker another thread wakes', (own) => {
  const poll = own(new Poll())
  const registry = Registry.fromHandle(poll.registry.handle)
  const waker = new Waker(registry, 11)
  waker.wake()
  const events = new Events(2)
  assert.equal(poll.poll(events, 0), 1)
  assert.equal(events.token(0), 11)
})

test('a closed Poll throws ERR_CLOSED; bad arguments throw Node-style errors', (own) => {
  const poll = new Poll()
  assert.throws(() => poll.poll({}, 0), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => poll.poll(new Events(1), -1), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  assert.throws(() => new Waker(poll.registry, -1), { code: 'ERR_OUT_OF_RANGE' })
  poll.close()
  assert.equal(poll.closed, true)
  assert.throws(() => poll.poll(new Events(1), 0), { code: 'ERR_CLOSED' })
})
