// Poll: timeouts, delivery of ready events, capacity, argument checks (contract section 1).

import test from 'ava'

import { Events, Interest, Poll, Waker } from '../index.ts'
import { badArgument, closed, invalidArgType, newPoll, pollTokens, unchecked } from './helpers/expect.js'
import { openFifo } from './helpers/fds.js'

test('poll(events, 0) returns 0 when nothing is ready, and clears events from the last poll', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  waker.wake()
  t.is(poll.poll(events, 0), 1)
  t.is(events.length, 1)

  t.is(poll.poll(events, 0), 0)
  t.is(events.length, 0)
  t.true(events.isEmpty())
})

test('poll(events, 0) still collects what is ready', (t) => {
  const poll = newPoll(t)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 3, Interest.READABLE)
  fifo.write()
  t.deepEqual(pollTokens(poll, new Events(4), 0), [3])
})

test('a positive timeout waits at least that long, fractions included (rounded up, never down)', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  for (const timeout of [0.1, 0.5, 1, 1.5, 5]) {
    const start = performance.now()
    const n = poll.poll(events, timeout)
    const waited = performance.now() - start
    t.is(n, 0, `timeout ${timeout}`)
    t.true(waited >= timeout, `timeout ${timeout} ms returned after ${waited.toFixed(3)} ms`)
  }
})

test('a ready fd is reported once, with its token and the readiness it registered for', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 42, Interest.READABLE)
  fifo.write()

  t.is(poll.poll(events, null), 1)
  t.is(events.length, 1)
  t.is(events.token(0), 42)
  t.true(events.isReadable(0))
  t.false(events.isWritable(0), 'only READABLE was asked for')
  t.false(events.isError(0))
  t.is(poll.poll(events, 0), 0, 'edge-triggered: no second event for the same readiness')
})

test('ready events beyond capacity come with the next polls, each exactly once', (t) => {
  const poll = newPoll(t)
  const tokens = [10, 11, 12, 13, 14]
  for (const token of tokens) {
    // An empty pipe is writable at once.
    poll.registry.register(openFifo(t).source, token, Interest.WRITABLE)
  }
  const events = new Events(2)
  const batches = [pollTokens(poll, events, 0), pollTokens(poll, events, 0), pollTokens(poll, events, 0)]
  t.deepEqual(
    batches.map((b) => b.length),
    [2, 2, 1],
  )
  t.deepEqual(batches.flat().sort((a, b) => a - b), tokens)
  t.is(poll.poll(events, 0), 0, 'nothing is left')
})

test('timeouts null, undefined and Infinity are accepted (they wait until an event)', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 9)
  for (const timeout of [null, undefined, Infinity]) {
    waker.wake()
    t.deepEqual(pollTokens(poll, events, timeout), [9], `timeout ${timeout}`)
  }
  waker.wake()
  t.is(poll.poll(events), 1, 'the timeout may be left out')
})

const badTimeouts: [string, unknown, 'type' | 'range'][] = [
  ['-1', -1, 'range'],
  ['-0.5', -0.5, 'range'],
  ['-Infinity', -Infinity, 'range'],
  ['NaN', NaN, 'range'],
  ["'5'", '5', 'type'],
  ['{}', {}, 'type'],
  ['5n', 5n, 'type'],
  ['true', true, 'type'],
]

test('a bad timeout throws TypeError/RangeError with Node codes and changes nothing', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 2, Interest.READABLE)

  waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [1])
  fifo.write() // pending: must survive the failed calls

  for (const [label, timeout, kind] of badTimeouts) {
    t.throws(() => poll.poll(events, unchecked(timeout)), badArgument(kind), `timeout ${label}`)
    t.is(events.length, 1, `events of the last poll are untouched after timeout ${label}`)
    t.is(events.token(0), 1)
  }
  t.deepEqual(pollTokens(poll, events, 0), [2], 'the pending event is still delivered')
})

test('poll() refuses anything but an Events', (t) => {
  const poll = newPoll(t)
  const events = new Events(2)
  const lookalike = { capacity: 2, length: 0 }
  for (const value of [undefined, null, {}, lookalike, [], new Float64Array(2)]) {
    t.throws(() => poll.poll(unchecked(value), 0), invalidArgType)
  }
  t.is(poll.poll(events, 0), 0, 'the Poll still works')
})

test('close() is idempotent, sets closed, and every later poll throws ERR_CLOSED', (t) => {
  const poll = new Poll()
  t.false(poll.closed)
  poll.close()
  t.true(poll.closed)
  t.notThrows(() => poll.close())
  t.true(poll.closed)
  t.throws(() => poll.poll(new Events(1), 0), closed)
  t.throws(() => poll.poll(new Events(1), null), closed, 'a closed Poll never blocks')
})

test('Symbol.dispose closes the Poll (also through `using`)', (t) => {
  const poll = new Poll()
  poll[Symbol.dispose]()
  t.true(poll.closed)

  let escaped: Poll | undefined
  {
    using scoped = new Poll()
    escaped = scoped
    t.false(scoped.closed)
  }
  t.true(escaped.closed)
})

test('each Poll reports only its own registrations', (t) => {
  const a = newPoll(t)
  const b = newPoll(t)
  const events = new Events(4)
  new Waker(a.registry, 1).wake()
  t.is(b.poll(events, 0), 0)
  t.deepEqual(pollTokens(a, events, 0), [1])
})
