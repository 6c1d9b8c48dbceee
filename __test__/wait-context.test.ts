// WaitContext (contract section 6; errors: section 8): crosvm's WaitContext — add / delete
// SyncEvents with tokens, wait() / waitTimeout() returning the tokens of the signalled events,
// level-triggered; one owner per SyncEvent (EEXIST), ENOENT for what was not added, close().
//
// A test whose main thread blocks in wait() adds a rescue event that a watchdog worker signals
// if the wait has not ended within 10 s, so that a bug fails the test instead of hanging it.

import test, { type ExecutionContext } from 'ava'

import { AtomicWaker, Events, Interest, Poll, SyncEvent, WaitContext, Waker } from '../index.ts'
import { closed, invalidArgType, newPoll, outOfRange, pollTokens, throwsSystemError, unchecked } from './helpers/expect.js'
import { hangBound } from './helpers/platform.js'
import { Flags, currentTid } from './helpers/sync-threads.js'
import { startSyncWorker, startWatchdog } from './helpers/sync-workers.js'

/** Far above what any working wait needs; only turns a lost signal into a failure. */
const HANG_MS = hangBound(10_000)
const RESCUE = 999_999

function newContext(t: ExecutionContext): WaitContext {
  const context = new WaitContext()
  t.teardown(() => context.close())
  return context
}

function newEvent(t: ExecutionContext): SyncEvent {
  const event = new SyncEvent()
  t.teardown(() => event.close())
  return event
}

/** The tokens, sorted (a WaitContext reports them in no particular order). */
function sorted(tokens: number[]): number[] {
  return [...tokens].sort((a, b) => a - b)
}

// --- Tokens of the signalled events, level-triggered ------------------------------------------------

test('waitTimeout() returns exactly the tokens of the signalled events, again and again until they are cleared', (t) => {
  const context = newContext(t)
  const [a, b, c] = [newEvent(t), newEvent(t), newEvent(t)] as const
  context.add(a, 1)
  context.add(b, 2)
  context.add(c, 3)
  t.deepEqual(context.waitTimeout(0), [], 'nothing signalled')

  b.signal()
  t.deepEqual(context.waitTimeout(0), [2])
  t.deepEqual(context.waitTimeout(0), [2], 'level-triggered: still reported')
  c.signal()
  t.deepEqual(sorted(context.waitTimeout(0)), [2, 3])
  t.deepEqual(sorted(context.waitTimeout(10)), [2, 3], 'again')

  t.is(b.waitTimeout(0), 'signaled', 'the WaitContext did not clear it')
  t.deepEqual(context.waitTimeout(0), [3], 'a wait on the event cleared it')
  c.reset()
  t.deepEqual(context.waitTimeout(0), [], 'and so does reset()')
  a.signal()
  t.deepEqual(context.waitTimeout(0), [1])
})

test('wait() returns at once while an event is signalled, the same tokens each time', (t) => {
  const context = newContext(t)
  const event = newEvent(t)
  context.add(event, 42)
  event.signal()
  for (let i = 0; i < 3; i++) t.deepEqual(context.wait(), [42])
  event.reset()
  t.deepEqual(context.waitTimeout(0), [])
})

test('a signal through a clone or a fromHandle object is reported for the added event', (t) => {
  const context = newContext(t)
  const event = newEvent(t)
  context.add(event, 5)
  event.tryClone().signal()
  t.deepEqual(context.waitTimeout(0), [5])
  event.reset()
  SyncEvent.fromHandle(event.handle).signal()
  t.deepEqual(context.waitTimeout(0), [5])
})

test('tokens 0 and Number.MAX_SAFE_INTEGER are reported as given', (t) => {
  const context = newContext(t)
  const low = newEvent(t)
  const high = newEvent(t)
  context.add(low, 0)
  context.add(high, Number.MAX_SAFE_INTEGER)
  low.signal()
  high.signal()
  t.deepEqual(sorted(context.waitTimeout(0)), [0, Number.MAX_SAFE_INTEGER])
})

test('waitTimeout() with nothing signalled returns [] after the timeout, never early (fractions round up)', (t) => {
  const context = newContext(t)
  context.add(newEvent(t), 1)
  for (const timeout of [0.1, 1.5, 20]) {
    const start = performance.now()
    const tokens = context.waitTimeout(timeout)
    const ms = performance.now() - start
    t.deepEqual(tokens, [])
    t.true(ms >= timeout, `waitTimeout(${timeout}) returned after ${ms.toFixed(3)} ms`)
  }
  const empty = newContext(t)
  const start = performance.now()
  t.deepEqual(empty.waitTimeout(5), [], 'an empty WaitContext waits too')
  t.true(performance.now() - start >= 5)
})

// --- Signals from workers -------------------------------------------------------------------------

test("a worker signals while the main thread blocks in wait(): wait() returns that event's token", async (t) => {
  const context = newContext(t)
  const events = [newEvent(t), newEvent(t), newEvent(t)]
  events.forEach((event, i) => context.add(event, 10 + i))
  const rescue = newEvent(t)
  context.add(rescue, RESCUE)
  const flags = new Flags()
  const worker = startSyncWorker(
    t,
    'se-signal-after',
    { event: events[1]!.handle, flags: flags.buffer, round: 1, confirmTid: currentTid() },
    { rescue: () => flags.set('STOP', 1) },
  )
  t.is(await worker.nextMessage(), 'ready')
  const watchdog = await startWatchdog(t, rescue)

  flags.set('MAIN', 1)
  const tokens = context.wait()
  watchdog.done()
  t.false(watchdog.fired(), 'only the watchdog ended the wait')
  t.deepEqual(tokens, [11])
  if (flags.get('CONFIRMED') !== 1) t.log('could not see the main thread blocked: the signal may have come first')
  t.deepEqual(context.waitTimeout(0), [11], 'still signalled (level-triggered)')
  t.is(await worker.nextMessage(), 'signalled')
})

test('a worker signals while the main thread blocks in waitTimeout(): it returns that token before the timeout', async (t) => {
  const context = newContext(t)
  const event = newEvent(t)
  context.add(event, 3)
  const flags = new Flags()
  const worker = startSyncWorker(
    t,
    'se-signal-after',
    { event: event.handle, flags: flags.buffer, round: 1, confirmTid: currentTid() },
    { rescue: () => flags.set('STOP', 1) },
  )
  t.is(await worker.nextMessage(), 'ready')
  flags.set('MAIN', 1)
  t.deepEqual(context.waitTimeout(HANG_MS), [3])
  t.is(await worker.nextMessage(), 'signalled')
})

test('two workers signal two events: once both did, the WaitContext reports both tokens', async (t) => {
  const context = newContext(t)
  const [a, b] = [newEvent(t), newEvent(t)] as const
  context.add(a, 1)
  context.add(b, 2)
  const flags = new Flags()
  const workers = [a, b].map((event) =>
    startSyncWorker(
      t,
      'se-signal-after',
      { event: event.handle, flags: flags.buffer, round: 1, confirmTid: null },
      { rescue: () => flags.set('STOP', 1) },
    ),
  )
  for (const worker of workers) t.is(await worker.nextMessage(), 'ready')
  flags.set('MAIN', 1)
  t.true(flags.waitAtLeast('WORKER', 2, HANG_MS), 'both signalled')
  t.deepEqual(sorted(context.waitTimeout(0)), [1, 2])
})

// --- One owner per SyncEvent; ENOENT ----------------------------------------------------------------

test('adding the same SyncEvent twice, or to a second WaitContext, is EEXIST', (t) => {
  const context = newContext(t)
  const second = newContext(t)
  const event = newEvent(t)
  context.add(event, 1)
  throwsSystemError(t, () => context.add(event, 2), 'EEXIST', { message: 'already registered' })
  throwsSystemError(t, () => second.add(event, 2), 'EEXIST', { message: 'already registered' })
  throwsSystemError(t, () => second.add(SyncEvent.fromHandle(event.handle), 2), 'EEXIST', {
    message: 'already registered',
  })
  throwsSystemError(t, () => second.delete(event), 'EEXIST')
  event.signal()
  t.deepEqual(context.waitTimeout(0), [1], 'the refused calls changed nothing (token 1 stays)')
  t.deepEqual(second.waitTimeout(0), [])
})

test('a SyncEvent in a WaitContext cannot be registered with a Poll, nor the other way round (EEXIST)', (t) => {
  const context = newContext(t)
  const poll = newPoll(t)
  const events = new Events(4)
  const inContext = newEvent(t)
  const inPoll = newEvent(t)
  context.add(inContext, 1)
  poll.registry.register(inPoll, 2, Interest.READABLE)
  throwsSystemError(t, () => poll.registry.register(inContext, 3, Interest.READABLE), 'EEXIST', {
    message: 'already registered',
  })
  throwsSystemError(t, () => context.add(inPoll, 4), 'EEXIST', { message: 'already registered' })
  inContext.signal()
  inPoll.signal()
  t.deepEqual(context.waitTimeout(0), [1])
  t.deepEqual(pollTokens(poll, events, 0), [2])
})

test('a tryClone() of an added event is a source of its own: it can go into another WaitContext or a Poll', (t) => {
  const context = newContext(t)
  const second = newContext(t)
  const poll = newPoll(t)
  const events = new Events(4)
  const event = newEvent(t)
  context.add(event, 1)
  second.add(event.tryClone(), 2)
  poll.registry.register(event.tryClone(), 3, Interest.READABLE)
  event.signal()
  t.deepEqual(context.waitTimeout(0), [1])
  t.deepEqual(second.waitTimeout(0), [2])
  t.deepEqual(pollTokens(poll, events, 0), [3])
})

test('delete() of an event that was not added is ENOENT; after delete() it is not reported and may go elsewhere', (t) => {
  const context = newContext(t)
  const event = newEvent(t)
  const other = newEvent(t)
  throwsSystemError(t, () => context.delete(event), 'ENOENT', { message: 'not registered' })
  context.add(event, 1)
  context.add(other, 2)
  event.signal()
  context.delete(event)
  t.deepEqual(context.waitTimeout(0), [], 'a signalled, deleted event is not reported')
  throwsSystemError(t, () => context.delete(event), 'ENOENT', { message: 'not registered' })
  other.signal()
  t.deepEqual(context.waitTimeout(0), [2], 'the other event is unaffected')

  const second = newContext(t)
  second.add(event, 3)
  t.deepEqual(second.waitTimeout(0), [3], 'deleted from one, added to another')
  second.delete(event)
  context.add(event, 4)
  t.deepEqual(sorted(context.waitTimeout(0)), [2, 4], 'and added back with a new token')
})

// --- close() ----------------------------------------------------------------------------------------

test('close(): idempotent; every later use throws ERR_CLOSED; its events are free for others', (t) => {
  const context = new WaitContext()
  const event = newEvent(t)
  context.add(event, 1)
  t.false(context.closed)
  context.close()
  t.true(context.closed)
  t.notThrows(() => context.close())
  t.throws(() => context.add(newEvent(t), 2), closed)
  t.throws(() => context.delete(event), closed)
  t.throws(() => context.wait(), closed)
  t.throws(() => context.waitTimeout(0), closed)

  const other = newContext(t)
  other.add(event, 5)
  event.signal()
  t.deepEqual(other.waitTimeout(0), [5], 'a closed WaitContext no longer owns its events')
  other.delete(event)
  const poll = newPoll(t)
  poll.registry.register(event, 6, Interest.READABLE)
  t.deepEqual(pollTokens(poll, new Events(2), 0), [6])
})

test('Symbol.dispose closes it', (t) => {
  const context = new WaitContext()
  t.is(typeof context[Symbol.dispose], 'function')
  context[Symbol.dispose]()
  t.true(context.closed)
  t.throws(() => context.waitTimeout(0), closed)
  t.notThrows(() => context[Symbol.dispose]())
})

test('a closed SyncEvent cannot be added (ERR_CLOSED); one closed while added stops being reported, others go on', (t) => {
  const context = newContext(t)
  const gone = new SyncEvent()
  gone.close()
  t.throws(() => context.add(gone, 1), closed)

  const added = new SyncEvent()
  const other = newEvent(t)
  context.add(added, 2)
  context.add(other, 3)
  added.signal()
  added.close()
  other.signal()
  t.deepEqual(context.waitTimeout(0), [3])
  t.throws(() => context.delete(added), closed)
})

// --- Bad inputs ---------------------------------------------------------------------------------------

test('add() and delete() of something that is not a source throw ERR_INVALID_ARG_TYPE', (t) => {
  const context = newContext(t)
  const poll = newPoll(t)
  const atomic = new AtomicWaker()
  t.teardown(() => atomic.close())
  const notEvents: unknown[] = [
    undefined,
    null,
    // (a number is a file descriptor since #17: a WaitContext takes any source)
    'event',
    {},
    { signal() {}, wait() {} },
    poll,
    new Waker(poll.registry, 1),
    atomic,
    new Events(1),
    SyncEvent,
  ]
  for (const bad of notEvents) {
    t.throws(() => context.add(unchecked<SyncEvent>(bad), 1), invalidArgType, String(bad))
    t.throws(() => context.delete(unchecked<SyncEvent>(bad)), invalidArgType, String(bad))
  }
  // Still works.
  const event = newEvent(t)
  context.add(event, 1)
  event.signal()
  t.deepEqual(context.waitTimeout(0), [1])
})

test('add() of an object that only pretends to be a SyncEvent (its prototype) throws ERR_INVALID_ARG_TYPE, no crash', (t) => {
  const context = newContext(t)
  const fake = Object.create(SyncEvent.prototype) as SyncEvent
  t.true(fake instanceof SyncEvent)
  t.throws(() => context.add(fake, 1), invalidArgType)
  t.throws(() => context.delete(fake), invalidArgType)
  t.deepEqual(context.waitTimeout(0), [])
})

test('add() with a bad token throws TypeError/RangeError and adds nothing', (t) => {
  const context = newContext(t)
  const event = newEvent(t)
  event.signal()
  for (const bad of [-1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, Number.MAX_VALUE]) {
    t.throws(() => context.add(event, bad), outOfRange, String(bad))
  }
  for (const bad of ['1', null, undefined, 1n, {}, true]) {
    t.throws(() => context.add(event, unchecked<number>(bad)), invalidArgType, String(bad))
  }
  t.deepEqual(context.waitTimeout(0), [], 'nothing was added')
  throwsSystemError(t, () => context.delete(event), 'ENOENT')
  context.add(event, 7)
  t.deepEqual(context.waitTimeout(0), [7])
})

test('waitTimeout() with a bad timeout throws TypeError/RangeError and does not wait', (t) => {
  const context = newContext(t)
  const event = newEvent(t)
  context.add(event, 1)
  for (const bad of [-1, -0.001, -Infinity, NaN]) {
    t.throws(() => context.waitTimeout(bad), outOfRange, String(bad))
  }
  for (const bad of ['5', {}, [], 5n, false]) {
    t.throws(() => context.waitTimeout(unchecked<number>(bad)), invalidArgType, String(bad))
  }
  event.signal()
  t.deepEqual(context.waitTimeout(0), [1])
})

test('a WaitContext and a Poll in the same thread do not disturb each other', (t) => {
  const context = newContext(t)
  const poll = new Poll()
  t.teardown(() => poll.close())
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  const event = newEvent(t)
  context.add(event, 2)
  waker.wake()
  t.deepEqual(context.waitTimeout(0), [], 'a Waker of a Poll is not an event of the WaitContext')
  event.signal()
  t.deepEqual(pollTokens(poll, events, 0), [1], 'a SyncEvent of the WaitContext is not an event of the Poll')
  t.deepEqual(context.waitTimeout(0), [2])
})
