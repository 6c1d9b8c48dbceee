// SyncEvent (contract section 6; sharing: section 3; errors: section 8): crosvm's Event —
// signal / wait / waitTimeout / reset / tryClone — plus waitAsync, handles across workers, the
// one-waiter rule (EBUSY), close(), terminating a worker blocked in wait(), and a SyncEvent as
// a source of a Poll.
//
// A test whose main thread blocks in wait() starts a watchdog worker first: if the wait is not
// ended within 10 s it signals the event, so that a bug fails the test instead of hanging it.

import test, { type ExecutionContext, type ThrowsExpectation } from 'ava'

import { AtomicWaker, Events, Interest, Poll, SyncEvent, Waker, type SyncEventHandle } from '../index.ts'
import {
  closed,
  invalidArgType,
  invalidHandle,
  newPoll,
  outOfRange,
  pollTokens,
  throwsSystemError,
  unchecked,
} from './helpers/expect.js'
import { testUnlessLibkqueueGap } from './helpers/libkqueue.js'
import { hangBound } from './helpers/platform.js'
import type { WaitOutcome } from './helpers/sync-scenarios.js'
import { Flags, codeOf, currentTid, waitUntilBlockedInPoll } from './helpers/sync-threads.js'
import { confirmWaiting, settlesWithin, startSyncWorker, startWatchdog } from './helpers/sync-workers.js'

/** Far above what any working wait needs; only turns a lost signal into a failure. */
const HANG_MS = hangBound(10_000)

function newEvent(t: ExecutionContext): SyncEvent {
  const event = new SyncEvent()
  t.teardown(() => event.close())
  return event
}

/** How `promise` settles: its value, `rejected <code>`, or 'pending' after HANG_MS. */
async function settled(promise: Promise<unknown>, ms = HANG_MS): Promise<string> {
  let outcome = 'pending'
  const done = promise.then(
    (value) => (outcome = String(value)),
    (err: unknown) => (outcome = `rejected ${String((err as { code?: unknown }).code)}`),
  )
  await settlesWithin(done, ms)
  return outcome
}

/** Milliseconds that `action` took. */
function timed<T>(action: () => T): { value: T; ms: number } {
  const start = performance.now()
  const value = action()
  return { value, ms: performance.now() - start }
}

function logConfirmation(t: ExecutionContext, how: string): void {
  if (how !== 'wchan') t.log(`the waiting thread was ${how === 'EBUSY' ? 'found by probing for EBUSY' : 'not seen blocked'}`)
}

// --- crosvm's scenarios, one thread ---------------------------------------------------------------

test('signal() then wait(): wait returns at once and clears the signal', (t) => {
  const event = newEvent(t)
  event.signal()
  t.is(event.wait(), undefined)
  t.is(event.waitTimeout(0), 'timeout', 'wait() cleared it')
})

test('several signals before one wait count as one', (t) => {
  const event = newEvent(t)
  for (let i = 0; i < 100; i++) event.signal()
  t.is(event.waitTimeout(0), 'signaled')
  t.is(event.waitTimeout(0), 'timeout')
})

test("waitTimeout() returns 'signaled' for a signalled event and clears it", (t) => {
  const event = newEvent(t)
  event.signal()
  t.is(event.waitTimeout(1000), 'signaled')
  t.is(event.waitTimeout(0), 'timeout')
})

test("waitTimeout() times out with 'timeout', never early (fractions round up)", (t) => {
  const event = newEvent(t)
  for (const timeout of [0.1, 1.5, 20]) {
    const { value, ms } = timed(() => event.waitTimeout(timeout))
    t.is(value, 'timeout')
    t.true(ms >= timeout, `waitTimeout(${timeout}) returned after ${ms.toFixed(3)} ms`)
  }
  const { value } = timed(() => event.waitTimeout(0))
  t.is(value, 'timeout', 'waitTimeout(0) does not block')
})

test('reset() clears the signal; on an event that is not signalled it does nothing', (t) => {
  const event = newEvent(t)
  event.reset()
  t.is(event.waitTimeout(0), 'timeout')
  event.signal()
  event.reset()
  t.is(event.waitTimeout(0), 'timeout', 'reset cleared it')
  event.signal()
  t.is(event.waitTimeout(0), 'signaled', 'signalling after a reset works')
})

test('tryClone() shares the state both ways', (t) => {
  const event = newEvent(t)
  const clone = event.tryClone()
  t.teardown(() => codeOf(() => clone.close()))
  t.true(clone instanceof SyncEvent)
  t.not(clone, event)
  t.not(clone.handle, event.handle, 'a clone is an event object of its own')
  clone.signal()
  t.is(event.waitTimeout(0), 'signaled', 'signalled through the clone, seen by the original')
  t.is(clone.waitTimeout(0), 'timeout', 'and the wait on the original cleared it for the clone')
  event.signal()
  t.is(clone.waitTimeout(0), 'signaled', 'signalled through the original, seen by the clone')
  event.signal()
  clone.reset()
  t.is(event.waitTimeout(0), 'timeout', 'reset through the clone clears the original')
  const second = clone.tryClone()
  t.teardown(() => codeOf(() => second.close()))
  second.signal()
  t.is(event.waitTimeout(0), 'signaled', 'a clone of a clone shares it too')
})

// --- Handles --------------------------------------------------------------------------------------

test('handle is a string that survives structured cloning; fromHandle shares the state', (t) => {
  const event = newEvent(t)
  const handle = event.handle
  t.is(typeof handle, 'string')
  t.is(structuredClone(handle), handle)
  const other = SyncEvent.fromHandle(handle)
  t.true(other instanceof SyncEvent)
  t.is(other.handle, handle)
  other.signal()
  t.is(event.waitTimeout(0), 'signaled')
  event.signal()
  other.reset()
  t.is(event.waitTimeout(0), 'timeout')
})

// --- waitAsync ------------------------------------------------------------------------------------

test("waitAsync() of a signalled event resolves 'signaled' and clears it", async (t) => {
  const event = newEvent(t)
  event.signal()
  t.is(await event.waitAsync(), 'signaled')
  t.is(event.waitTimeout(0), 'timeout')
  event.signal()
  t.is(await event.waitAsync(0), 'signaled', 'also with timeout 0')
})

testUnlessLibkqueueGap(1)("waitAsync(timeout) resolves 'timeout', never early", async (t) => {
  const event = newEvent(t)
  t.is(await event.waitAsync(0), 'timeout')
  for (const timeout of [0.5, 25]) {
    const start = performance.now()
    const result = await event.waitAsync(timeout)
    const ms = performance.now() - start
    t.is(result, 'timeout')
    t.true(ms >= timeout, `waitAsync(${timeout}) resolved after ${ms.toFixed(3)} ms`)
  }
})

testUnlessLibkqueueGap(1)('waitAsync() does not block the event loop', async (t) => {
  const event = newEvent(t)
  const waiting = event.waitAsync(null)
  // A macrotask of this thread runs while the wait is pending; it ends the wait.
  await new Promise<void>((resolve) => setImmediate(resolve))
  event.signal()
  t.is(await settled(waiting), 'signaled')
})

testUnlessLibkqueueGap(1)("waitAsync() resolves 'signaled' when a worker signals", async (t) => {
  const event = newEvent(t)
  const flags = new Flags()
  for (const timeout of [null, HANG_MS]) {
    flags.set('MAIN', 0)
    const worker = startSyncWorker(
      t,
      'se-signal-after',
      { event: event.handle, flags: flags.buffer, round: 1, confirmTid: null },
      { rescue: () => flags.set('STOP', 1) },
    )
    t.is(await worker.nextMessage(), 'ready')
    // Started once the worker is up, so that its timeout counts from here, not from a worker's
    // start (seconds under an emulator).
    const waiting = event.waitAsync(timeout)
    flags.set('MAIN', 1) // the wait is pending: go
    t.is(await worker.nextMessage(), 'signalled')
    t.is(await settled(waiting), 'signaled', `timeout ${timeout}`)
    t.is(await worker.exited, 0)
  }
})

testUnlessLibkqueueGap(1)('an aborted waitAsync() rejects with AbortError (cause: the reason) and frees the event', async (t) => {
  const event = newEvent(t)
  const controller = new AbortController()
  const reason = new Error('stop waiting')
  const waiting = event.waitAsync(null, { signal: controller.signal })
  controller.abort(reason)
  const err = await t.throwsAsync(waiting, { name: 'AbortError', code: 'ABORT_ERR' })
  t.is(err?.cause, reason)
  t.is(event.waitTimeout(0), 'timeout', 'the one-waiter slot is free again')
  event.signal()
  t.is(await event.waitAsync(0), 'signaled', 'and a signal after the abort is still there')
})

test('waitAsync() with an already aborted signal rejects with AbortError and does not consume a signal', async (t) => {
  const event = newEvent(t)
  event.signal()
  const err = await t.throwsAsync(event.waitAsync(null, { signal: AbortSignal.abort('early') }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  })
  t.is(err?.cause, 'early')
  t.is(event.waitTimeout(0), 'signaled')
})

testUnlessLibkqueueGap(1)('waitAsync() works on a tryClone() and on an object from fromHandle()', async (t) => {
  const event = newEvent(t)
  for (const other of [event.tryClone(), SyncEvent.fromHandle(event.handle)]) {
    t.is(await settled(other.waitAsync(1)), 'timeout')
    const waiting = other.waitAsync(null)
    event.signal()
    t.is(await settled(waiting), 'signaled')
  }
})

// --- One waiter at a time -------------------------------------------------------------------------

testUnlessLibkqueueGap(1)('while a waitAsync() is pending, every other wait on the event, a clone or a fromHandle object is EBUSY', async (t) => {
  const event = newEvent(t)
  const clone = event.tryClone()
  const copy = SyncEvent.fromHandle(event.handle)
  const waiting = event.waitAsync(null)
  for (const [name, target] of [
    ['same object', event],
    ['clone', clone],
    ['fromHandle object', copy],
  ] as const) {
    throwsSystemError(t, () => target.waitTimeout(0), 'EBUSY', { syscall: 'wait', message: 'already waiting' })
    throwsSystemError(t, () => target.waitTimeout(5), 'EBUSY', { syscall: 'wait' })
    t.is(await settled(target.waitAsync(null)), 'rejected EBUSY', name)
  }
  const worker = startSyncWorker(t, 'se-try-wait', { event: event.handle, clone: false })
  t.deepEqual(await worker.nextMessage<WaitOutcome>(), { error: 'EBUSY' }, 'from a worker as well')
  const workerClone = startSyncWorker(t, 'se-try-wait', { event: event.handle, clone: true })
  t.deepEqual(await workerClone.nextMessage<WaitOutcome>(), { error: 'EBUSY' }, "and on a worker's clone")

  event.signal()
  t.is(await settled(waiting), 'signaled', 'the first waiter was not disturbed')
  t.is(clone.waitTimeout(0), 'timeout', 'the slot is free again')
})

testUnlessLibkqueueGap(1)("while a waitAsync() is pending, the main thread's blocking wait() is EBUSY", async (t) => {
  const event = newEvent(t)
  const watchdog = await startWatchdog(t, event)
  const waiting = event.waitAsync(null)
  throwsSystemError(t, () => event.wait(), 'EBUSY', { syscall: 'wait' })
  watchdog.done()
  t.false(watchdog.fired())
  event.signal()
  t.is(await settled(waiting), 'signaled')
})

for (const variant of [
  { worker: 'a fromHandle object', clone: false },
  { worker: 'a clone', clone: true },
] as const) {
  test(`while a worker blocks in wait() on ${variant.worker}, main's wait, waitTimeout and waitAsync are EBUSY`, async (t) => {
    const event = newEvent(t)
    const worker = startSyncWorker(
      t,
      'se-wait',
      { event: event.handle, clone: variant.clone, timeout: null },
      { rescue: () => codeOf(() => event.signal()) },
    )
    const { tid } = await worker.nextMessage<{ tid: number }>()
    const how = confirmWaiting(tid, event)
    t.not(how, 'not seen', 'the worker is waiting')
    logConfirmation(t, how)

    const watchdog = await startWatchdog(t, event)
    const clone = event.tryClone()
    const copy = SyncEvent.fromHandle(event.handle)
    for (const target of [event, clone, copy]) {
      throwsSystemError(t, () => target.waitTimeout(0), 'EBUSY', { syscall: 'wait' })
      throwsSystemError(t, () => target.waitTimeout(HANG_MS), 'EBUSY', { syscall: 'wait' })
      throwsSystemError(t, () => target.wait(), 'EBUSY', { syscall: 'wait' })
      t.is(await settled(target.waitAsync(null)), 'rejected EBUSY')
    }
    watchdog.done()
    t.false(watchdog.fired(), 'a wait of the main thread blocked instead of failing with EBUSY')

    event.signal()
    t.deepEqual(await worker.nextMessage<WaitOutcome>(), { result: 'signaled' }, "the worker's wait was not disturbed")
    t.is(await worker.exited, 0)
    t.is(event.waitTimeout(0), 'timeout', 'the worker consumed the signal; the slot is free')
  })
}

// --- Signals from other threads -------------------------------------------------------------------

test('a worker signals while the main thread blocks in wait(): wait() returns', async (t) => {
  const event = newEvent(t)
  const flags = new Flags()
  const worker = startSyncWorker(
    t,
    'se-signal-after',
    { event: event.handle, flags: flags.buffer, round: 1, confirmTid: currentTid() },
    { rescue: () => flags.set('STOP', 1) },
  )
  t.is(await worker.nextMessage(), 'ready')
  const watchdog = await startWatchdog(t, event)
  flags.set('MAIN', 1)
  event.wait()
  watchdog.done()
  t.false(watchdog.fired(), 'only the watchdog ended the wait')
  t.true(flags.waitAtLeast('WORKER', 1, HANG_MS), 'the worker had signalled')
  if (flags.get('CONFIRMED') !== 1) t.log('could not see the main thread blocked: the signal may have come first')
  t.is(event.waitTimeout(0), 'timeout')
  t.is(await worker.nextMessage(), 'signalled')
})

test('4 workers signal in turn, each after an ack; the blocked waiter sees every one', async (t) => {
  const event = newEvent(t)
  const flags = new Flags()
  const workers = [1, 2, 3, 4].map((round) =>
    startSyncWorker(
      t,
      'se-signal-after',
      { event: event.handle, flags: flags.buffer, round, confirmTid: currentTid() },
      { rescue: () => flags.set('STOP', 1) },
    ),
  )
  for (const worker of workers) t.is(await worker.nextMessage(), 'ready')
  const results: string[] = []
  for (let round = 1; round <= 4; round++) {
    flags.set('MAIN', round) // ack: worker `round` may signal now
    results.push(event.waitTimeout(HANG_MS))
    flags.waitAtLeast('WORKER', round, HANG_MS) // the signaller counts just after its signal
    results.push(`after ${flags.get('WORKER')}`)
  }
  flags.set('STOP', 1)
  t.deepEqual(results, ['signaled', 'after 1', 'signaled', 'after 2', 'signaled', 'after 3', 'signaled', 'after 4'])
  t.is(event.waitTimeout(0), 'timeout')
  for (const worker of workers) t.is(await worker.nextMessage(), 'signalled')
})

test('4 workers signal at once: the waiter sees one signal (they coalesce), then none', async (t) => {
  const event = newEvent(t)
  const flags = new Flags()
  const workers = [1, 2, 3, 4].map(() =>
    startSyncWorker(
      t,
      'se-signal-after',
      { event: event.handle, flags: flags.buffer, round: 1, confirmTid: null },
      { rescue: () => flags.set('STOP', 1) },
    ),
  )
  for (const worker of workers) t.is(await worker.nextMessage(), 'ready')
  flags.set('MAIN', 1)
  t.true(flags.waitAtLeast('WORKER', 4, HANG_MS), 'all four signalled')
  t.is(event.waitTimeout(0), 'signaled')
  t.is(event.waitTimeout(0), 'timeout')
  for (const worker of workers) t.is(await worker.nextMessage(), 'signalled')
})

test("a worker's blocking wait() on a fromHandle object returns when main signals", async (t) => {
  const event = newEvent(t)
  const worker = startSyncWorker(
    t,
    'se-wait',
    { event: event.handle, clone: false, timeout: null },
    { rescue: () => codeOf(() => event.signal()) },
  )
  const { tid } = await worker.nextMessage<{ tid: number }>()
  logConfirmation(t, confirmWaiting(tid, event))
  event.signal()
  t.deepEqual(await worker.nextMessage<WaitOutcome>(), { result: 'signaled' })
  t.is(await worker.exited, 0)
})

test("a worker's waitTimeout() on a clone times out when nobody signals", async (t) => {
  const event = newEvent(t)
  const worker = startSyncWorker(t, 'se-wait', { event: event.handle, clone: true, timeout: 20 })
  await worker.nextMessage()
  t.deepEqual(await worker.nextMessage<WaitOutcome>(), { result: 'timeout' })
})

// --- close() --------------------------------------------------------------------------------------

test('close() wakes a waiter blocked in another worker with ERR_CLOSED (20 rounds)', async (t) => {
  const rounds = 20
  const events = Array.from({ length: rounds }, () => newEvent(t))
  // A waiter left blocked cannot be rescued by a signal (its event is closed); the teardown's
  // terminate() ends it.
  const worker = startSyncWorker(t, 'se-wait-each', { events: events.map((e) => e.handle) })
  const outcomes: string[] = []
  const unconfirmed: number[] = []
  for (const [index, event] of events.entries()) {
    const { tid } = await worker.nextMessage<{ tid: number; index: number }>()
    const how = confirmWaiting(tid, event)
    if (how !== 'wchan') unconfirmed.push(index)
    event.close()
    let outcome: (WaitOutcome & { index: number }) | undefined
    const next = worker.nextMessage<WaitOutcome & { index: number }>().then((message) => (outcome = message))
    if ((await settlesWithin(next, HANG_MS)) === 'hung' || outcome === undefined) {
      outcomes.push(`round ${index}: still blocked ${HANG_MS} ms after close()`)
      break
    }
    outcomes.push(outcome.error ?? `round ${index}: result ${outcome.result}`)
  }
  if (unconfirmed.length > 0) t.log(`not seen blocked in rounds ${unconfirmed.join(', ')}`)
  t.deepEqual(outcomes, Array.from({ length: rounds }, () => 'ERR_CLOSED'))
})

testUnlessLibkqueueGap(1)('close() ends a pending waitAsync() of the same object with ERR_CLOSED', async (t) => {
  const event = new SyncEvent()
  const waiting = event.waitAsync(null)
  event.close()
  t.is(await settled(waiting), 'rejected ERR_CLOSED')
})

testUnlessLibkqueueGap(1)('close() through another object (a worker) ends a pending waitAsync() with ERR_CLOSED', async (t) => {
  const event = newEvent(t)
  const waiting = event.waitAsync(null)
  const worker = startSyncWorker(t, 'se-close', { event: event.handle })
  await worker.nextMessage()
  t.true(event.closed)
  t.is(await settled(waiting), 'rejected ERR_CLOSED', 'a pending waitAsync must not be left pending forever')
})

test('close() of an object from fromHandle() in a worker closes the event for every object', async (t) => {
  const event = newEvent(t)
  const worker = startSyncWorker(t, 'se-close', { event: event.handle })
  t.deepEqual(await worker.nextMessage(), { close: 'ok', closed: true })
  t.is(await worker.exited, 0)
  t.true(event.closed)
  t.throws(() => event.signal(), closed)
})

test('close() of a tryClone() or fromHandle() object does not throw', (t) => {
  const event = newEvent(t)
  const clone = event.tryClone()
  t.notThrows(() => clone.close())
  t.true(clone.closed)
  t.false(event.closed, "closing a clone does not close the original's own event object")
  const copy = SyncEvent.fromHandle(event.handle)
  t.notThrows(() => copy.close())
  t.true(event.closed, 'a fromHandle object is the same event')
  t.notThrows(() => copy[Symbol.dispose]())
})

test('after close() every use throws ERR_CLOSED, for every object of the event; close() is idempotent', async (t) => {
  const event = new SyncEvent()
  const handle = event.handle
  const other = SyncEvent.fromHandle(handle)
  event.signal()
  t.false(event.closed)
  event.close()
  t.true(event.closed)
  t.true(other.closed)
  for (const target of [event, other]) {
    t.throws(() => target.signal(), closed)
    t.throws(() => target.reset(), closed)
    t.throws(() => target.wait(), closed)
    t.throws(() => target.waitTimeout(0), closed)
    t.throws(() => target.tryClone(), closed)
    t.throws(() => target.handle, closed)
  }
  t.is(await settled(event.waitAsync(0)), 'rejected ERR_CLOSED')
  t.is(await settled(event.waitAsync(null)), 'rejected ERR_CLOSED')
  t.throws(() => SyncEvent.fromHandle(handle), closed)
  t.notThrows(() => event.close())
  t.notThrows(() => event.close())
})

test('Symbol.dispose closes it', (t) => {
  const event = new SyncEvent()
  t.is(typeof event[Symbol.dispose], 'function')
  event[Symbol.dispose]()
  t.true(event.closed)
  t.throws(() => event.signal(), closed)
  t.notThrows(() => event[Symbol.dispose]())
})

// --- worker.terminate() -----------------------------------------------------------------------------

// Contract section 3: terminate() of a worker blocked in SyncEvent.wait() resolves promptly. The
// 2 s limit only detects a hang; the event is then signalled so that the worker can end. Serial:
// with a dozen workers of other tests loading at the same time on a small machine, the
// termination itself (not the wake-up) can take over a second.
test.serial('worker.terminate() of a worker blocked in wait() resolves, and frees the one-waiter slot', async (t) => {
  const event = newEvent(t)
  const worker = startSyncWorker(
    t,
    'se-wait',
    { event: event.handle, clone: false, timeout: null },
    { rescue: () => codeOf(() => event.signal()) },
  )
  const { tid } = await worker.nextMessage<{ tid: number }>()
  const how = confirmWaiting(tid, event)
  t.not(how, 'not seen')
  logConfirmation(t, how)

  const start = performance.now()
  const terminated = worker.worker.terminate()
  const outcome = await settlesWithin(terminated, hangBound(2000))
  t.log(`terminate() took ${(performance.now() - start).toFixed(1)} ms`)
  if (outcome === 'hung') {
    event.signal()
    await terminated
  }
  t.is(outcome, 'settled')
  t.is(event.waitTimeout(0), 'timeout', 'the slot of the terminated waiter is free again')
  event.signal()
  t.is(event.waitTimeout(0), 'signaled', 'the event still works')
})

// A terminated wait must end in the termination, not return as if the event had been signalled:
// the statement right after wait() (here a postMessage, a native call with no JavaScript call
// before it) must not run. Node emits every message a worker posted before its 'exit', so once
// terminate() resolved, a message from after the wait would have arrived.
for (const variant of ['SyncEvent.wait()', 'WaitContext.wait()'] as const) {
  test.serial(`worker.terminate() of a worker blocked in ${variant}: no code after the wait runs`, async (t) => {
    const event = newEvent(t)
    const worker = startSyncWorker(
      t,
      'se-wait-then-post',
      { event: event.handle, context: variant === 'WaitContext.wait()' },
      { rescue: () => codeOf(() => event.signal()) },
    )
    const { tid } = await worker.nextMessage<{ tid: number }>()
    const how = variant === 'SyncEvent.wait()' ? confirmWaiting(tid, event) : waitUntilBlockedInPoll(tid) ? 'wchan' : 'not seen'
    logConfirmation(t, how)
    const terminated = worker.worker.terminate()
    const outcome = await settlesWithin(terminated, hangBound(2000))
    if (outcome === 'hung') {
      event.signal()
      await terminated
    }
    t.is(outcome, 'settled')
    const after: unknown[] = []
    for (;;) {
      const message = await worker.nextMessage().catch(() => undefined)
      if (message === undefined) break
      after.push(message)
    }
    t.deepEqual(after, [], 'the terminated wait returned into JavaScript')
  })
}

// --- As a source of a Poll ---------------------------------------------------------------------------

test('registered with a Poll, a SyncEvent is readable while signalled; the Poll does not clear it', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const event = newEvent(t)
  poll.registry.register(event, 9, Interest.READABLE)
  t.deepEqual(pollTokens(poll, events, 0), [], 'not signalled: nothing')
  event.signal()
  t.deepEqual(pollTokens(poll, events, 0), [9])
  t.true(events.isReadable(0))
  t.is(event.waitTimeout(0), 'signaled', 'still signalled after the poll')
  event.signal()
  t.deepEqual(pollTokens(poll, events, 0), [9], 'a new signal after the wait is a new event')
  t.is(event.waitTimeout(0), 'signaled')
})

test('a worker signals while the main thread blocks in poll(): the Poll reports the event', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const event = newEvent(t)
  poll.registry.register(event, 5, Interest.READABLE)
  const flags = new Flags()
  const worker = startSyncWorker(
    t,
    'se-signal-after',
    { event: event.handle, flags: flags.buffer, round: 1, confirmTid: currentTid() },
    { rescue: () => flags.set('STOP', 1) },
  )
  t.is(await worker.nextMessage(), 'ready')
  flags.set('MAIN', 1)
  const tokens = pollTokens(poll, events, HANG_MS)
  t.deepEqual(tokens, [5])
  if (flags.get('CONFIRMED') !== 1) t.log('could not see the main thread blocked: the signal may have come first')
  t.is(await worker.nextMessage(), 'signalled')
})

test('a SyncEvent belongs to one Poll: the same Poll again or a second Poll is EEXIST', (t) => {
  const poll = newPoll(t)
  const second = newPoll(t)
  const event = newEvent(t)
  poll.registry.register(event, 1, Interest.READABLE)
  throwsSystemError(t, () => poll.registry.register(event, 2, Interest.READABLE), 'EEXIST', {
    message: 'already registered',
  })
  throwsSystemError(t, () => second.registry.register(event, 2, Interest.READABLE), 'EEXIST', {
    message: 'already registered',
  })
  throwsSystemError(t, () => second.registry.reregister(event, 2, Interest.READABLE), 'EEXIST')
  throwsSystemError(t, () => second.registry.deregister(event), 'EEXIST')
  const copy = SyncEvent.fromHandle(event.handle)
  throwsSystemError(t, () => second.registry.register(copy, 2, Interest.READABLE), 'EEXIST', {
    message: 'already registered',
  })
  // The refused calls changed nothing.
  const events = new Events(4)
  event.signal()
  t.deepEqual(pollTokens(poll, events, 0), [1])
  t.deepEqual(pollTokens(second, events, 0), [])
})

test('a tryClone() is a source of its own: the original in one Poll, the clone in another', (t) => {
  const first = newPoll(t)
  const second = newPoll(t)
  const events = new Events(4)
  const event = newEvent(t)
  const clone = event.tryClone()
  first.registry.register(event, 1, Interest.READABLE)
  second.registry.register(clone, 2, Interest.READABLE)
  event.signal()
  t.deepEqual(pollTokens(first, events, 0), [1])
  t.deepEqual(pollTokens(second, events, 0), [2])
})

testUnlessLibkqueueGap(4)('reregister() replaces the token; deregister() ends it, even for a pending signal; both ENOENT when not registered', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const event = newEvent(t)
  throwsSystemError(t, () => poll.registry.reregister(event, 1, Interest.READABLE), 'ENOENT', {
    message: 'not registered',
  })
  throwsSystemError(t, () => poll.registry.deregister(event), 'ENOENT', { message: 'not registered' })

  poll.registry.register(event, 1, Interest.READABLE)
  event.signal()
  poll.registry.reregister(event, 2, Interest.READABLE)
  t.deepEqual(pollTokens(poll, events, 0), [2], 'the new token; a source still ready reports again')
  poll.registry.reregister(event, 3, Interest.READABLE)
  t.deepEqual(pollTokens(poll, events, 0), [3], 're-armed again')

  poll.registry.reregister(event, 4, Interest.READABLE)
  poll.registry.deregister(event) // a signal is pending: it must not be reported any more
  t.deepEqual(pollTokens(poll, events, 0), [])
  event.signal()
  t.deepEqual(pollTokens(poll, events, 0), [], 'nor a later one')
  throwsSystemError(t, () => poll.registry.deregister(event), 'ENOENT')
  t.is(event.waitTimeout(0), 'signaled', 'the event itself was not touched')

  const other = newPoll(t)
  other.registry.register(event, 7, Interest.READABLE)
  event.signal()
  t.deepEqual(pollTokens(other, events, 0), [7], 'after deregister another Poll may take it')
})

test('deregister() right after registering an already signalled event: its token never comes back', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const event = newEvent(t)
  event.signal()
  poll.registry.register(event, 11, Interest.READABLE)
  poll.registry.deregister(event)
  t.deepEqual(pollTokens(poll, events, 0), [])
  t.deepEqual(pollTokens(poll, events, 1), [])
})

test('a SyncEvent registered with a Poll still waits and waitAsyncs normally', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const event = newEvent(t)
  poll.registry.register(event, 1, Interest.READABLE)
  event.signal()
  t.is(await event.waitAsync(HANG_MS), 'signaled')
  t.deepEqual(pollTokens(poll, events, 0), [], 'consumed by the wait before the poll looked')
  event.signal()
  t.deepEqual(pollTokens(poll, events, 0), [1])
  t.is(event.waitTimeout(0), 'signaled')
})

test('a SyncEvent registered with a Poll that was closed can be registered with another Poll', (t) => {
  const event = newEvent(t)
  const closedPoll = new Poll()
  closedPoll.registry.register(event, 1, Interest.READABLE)
  closedPoll.close()
  const poll = newPoll(t)
  t.notThrows(() => poll.registry.register(event, 2, Interest.READABLE), 'a closed Poll no longer owns it')
})

test('register() of a SyncEvent with a bad token or interest throws and registers nothing', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const event = newEvent(t)
  t.throws(() => poll.registry.register(event, -1, Interest.READABLE), outOfRange)
  t.throws(() => poll.registry.register(event, 1.5, Interest.READABLE), outOfRange)
  t.throws(() => poll.registry.register(event, 2 ** 53, Interest.READABLE), outOfRange)
  t.throws(() => poll.registry.register(event, unchecked<number>('1'), Interest.READABLE), invalidArgType)
  t.throws(() => poll.registry.register(event, 1, 0), outOfRange)
  t.throws(() => poll.registry.register(event, 1, unchecked<number>(null)), invalidArgType)
  event.signal()
  t.deepEqual(pollTokens(poll, events, 0), [])
  poll.registry.register(event, Number.MAX_SAFE_INTEGER, Interest.READABLE)
  t.deepEqual(pollTokens(poll, events, 0), [Number.MAX_SAFE_INTEGER], 'the largest token is the user\'s too')
})

// --- Bad inputs ----------------------------------------------------------------------------------

test('waitTimeout() with a bad timeout throws TypeError/RangeError and leaves the event as it was', (t) => {
  const event = newEvent(t)
  event.signal()
  for (const bad of [-1, -0.5, -Infinity, NaN]) {
    t.throws(() => event.waitTimeout(bad), outOfRange, String(bad))
  }
  for (const bad of ['10', {}, [], 1n, true, Symbol('t')]) {
    t.throws(() => event.waitTimeout(unchecked<number>(bad)), invalidArgType, typeof bad)
  }
  t.is(event.waitTimeout(0), 'signaled', 'the signal is still there, the slot is free')
})

test('waitAsync() with a bad timeout or options rejects with TypeError/RangeError and leaves the event as it was', async (t) => {
  const event = newEvent(t)
  event.signal()
  const rejects = (action: () => Promise<unknown>, expectation: ThrowsExpectation<Error>, message: string) =>
    t.throwsAsync(async () => action(), expectation, message)
  for (const bad of [-1, NaN, -Infinity]) await rejects(() => event.waitAsync(bad), outOfRange, String(bad))
  for (const bad of ['10', {}, 1n]) await rejects(() => event.waitAsync(unchecked<number>(bad)), invalidArgType, typeof bad)
  for (const bad of [1, 'x', true]) await rejects(() => event.waitAsync(0, unchecked<object>(bad)), invalidArgType, `options ${String(bad)}`)
  for (const bad of [{}, 'signal', new AbortController()]) {
    await rejects(() => event.waitAsync(0, { signal: unchecked<AbortSignal>(bad) }), invalidArgType, 'options.signal')
  }
  t.is(event.waitTimeout(0), 'signaled', 'the signal is still there, the slot is free')
})

test('fromHandle() with a non-string throws ERR_INVALID_ARG_TYPE', (t) => {
  for (const bad of [undefined, null, 7, 7n, false, {}, [], Symbol('h'), new SyncEvent()]) {
    t.throws(() => SyncEvent.fromHandle(unchecked<SyncEventHandle>(bad)), invalidArgType, typeof bad)
  }
})

test('fromHandle() with a forged, corrupted or foreign handle throws ERR_INVALID_HANDLE', (t) => {
  const event = newEvent(t)
  const genuine = event.handle
  const [prefix, kind, id, tag] = genuine.split(':') as [string, string, string, string]
  const flipped = tag.replace(/^./, (c) => (c === 'f' ? 'e' : 'f'))
  const atomic = new AtomicWaker()
  t.teardown(() => atomic.close())
  const poll = newPoll(t)
  const waker = new Waker(poll.registry, 1)
  for (const handle of [
    '',
    'wakepoll',
    'wakepoll:SyncEvent',
    `${prefix}:${kind}:${id}`,
    `${prefix}:${kind}:${id}:${flipped}`,
    `${prefix}:${kind}:${Number(id) + 1}:${tag}`,
    `${prefix}:AtomicWaker:${id}:${tag}`,
    `${genuine}:`,
    atomic.handle,
    waker.handle,
    poll.registry.handle,
    '\u0000'.repeat(64),
  ]) {
    t.throws(() => SyncEvent.fromHandle(unchecked<SyncEventHandle>(handle)), invalidHandle, JSON.stringify(handle))
  }
  event.signal()
  t.is(SyncEvent.fromHandle(genuine).waitTimeout(0), 'signaled', 'the genuine handle still works')
})
