// AtomicWaker and SyncEvent, within a thread and across workers.
import assert from 'node:assert/strict'
import { AtomicWaker, Events, Interest, Poll, SyncEvent, WaitContext } from 'wakepoll'
import { test } from './harness.mjs'
import { startWorker } from './workers.mjs'

test("AtomicWaker: register() resolves when a worker wakes it; take() removes a registration", async (own) => {
  const atomic = own(new AtomicWaker())
  const w = await startWorker('signal', { atomic: atomic.handle })
  try {
    const registered = atomic.register()
    w.post('wake')
    await registered
    assert.equal(atomic.take(), false, 'the wake used the registration up')
    const replaced = atomic.register()
    assert.equal(atomic.take(), true)
    await replaced
  } finally {
    await w.worker.terminate()
  }
})

test("SyncEvent: a worker's signal ends the main thread's blocking wait()", async (own) => {
  const event = own(new SyncEvent())
  const w = await startWorker('signal', { event: event.handle })
  try {
    w.post('signal')
    event.wait()
    event.reset()
    assert.equal(event.waitTimeout(5), 'timeout')
  } finally {
    await w.worker.terminate()
  }
})

test('SyncEvent: waitAsync resolves on a signal; a Poll reports it readable', async (own) => {
  const event = own(new SyncEvent())
  const pending = event.waitAsync(null)
  event.signal()
  assert.equal(await pending, 'signaled')
  event.signal()
  const poll = own(new Poll())
  poll.registry.register(event, 4, Interest.READABLE)
  const events = new Events(2)
  assert.equal(poll.poll(events, 0), 1)
  assert.equal(events.token(0), 4)
  poll.registry.deregister(event)
})

test("WaitContext: wait() returns the tokens of signalled events; a worker's signal ends it", async (own) => {
  const context = own(new WaitContext())
  const a = own(new SyncEvent())
  const b = own(new SyncEvent())
  context.add(a, 1)
  context.add(b, 2)
  assert.deepEqual(context.waitTimeout(0), [])
  const w = await startWorker('signal', { event: b.handle })
  try {
    w.post('signal')
    assert.deepEqual(context.wait(), [2])
  } finally {
    await w.worker.terminate()
  }
})
