// Events: construction, length/capacity, accessors by index, iteration, flag meanings
// (contract section 1).

import test from 'ava'

import { Event, Events, Interest, Waker } from '../index.ts'
import { badArgument, newPoll, outOfRange, pollTokens, unchecked } from './helpers/expect.js'
import { openFifo, openFifoEnds } from './helpers/fds.js'
import { onKqueue } from './helpers/os.js'
import { unixOnly } from './helpers/platform.js'

const accessors = [
  'token',
  'isReadable',
  'isWritable',
  'isError',
  'isReadClosed',
  'isWriteClosed',
  'isPriority',
  'isAio',
  'isLio',
] as const

type Flags = Record<Exclude<(typeof accessors)[number], 'token'>, boolean>

function flagsAt(events: Events, i: number): Flags {
  return {
    isReadable: events.isReadable(i),
    isWritable: events.isWritable(i),
    isError: events.isError(i),
    isReadClosed: events.isReadClosed(i),
    isWriteClosed: events.isWriteClosed(i),
    isPriority: events.isPriority(i),
    isAio: events.isAio(i),
    isLio: events.isLio(i),
  }
}

function flagsOf(event: Event): Flags {
  return {
    isReadable: event.isReadable(),
    isWritable: event.isWritable(),
    isError: event.isError(),
    isReadClosed: event.isReadClosed(),
    isWriteClosed: event.isWriteClosed(),
    isPriority: event.isPriority(),
    isAio: event.isAio(),
    isLio: event.isLio(),
  }
}

const none: Flags = {
  isReadable: false,
  isWritable: false,
  isError: false,
  isReadClosed: false,
  isWriteClosed: false,
  isPriority: false,
  isAio: false,
  isLio: false,
}

test('a capacity that is not an integer >= 1 throws TypeError/RangeError with Node codes', (t) => {
  const cases: [string, unknown, 'type' | 'range'][] = [
    ['0', 0, 'range'],
    ['-1', -1, 'range'],
    ['1.5', 1.5, 'range'],
    ['NaN', NaN, 'range'],
    ['Infinity', Infinity, 'range'],
    ['2**31', 2 ** 31, 'range'],
    ["'1'", '1', 'type'],
    ['1n', 1n, 'type'],
    ['undefined', undefined, 'type'],
    ['null', null, 'type'],
  ]
  for (const [label, capacity, kind] of cases) {
    t.throws(() => new Events(unchecked(capacity)), badArgument(kind), `capacity ${label}`)
  }
})

test('a new Events is empty and keeps its capacity', (t) => {
  const events = new Events(3)
  t.is(events.capacity, 3)
  t.is(events.length, 0)
  t.true(events.isEmpty())
  t.deepEqual([...events], [])
  t.is(new Events(1).capacity, 1)
})

test('length and isEmpty follow the last poll; clear() forgets its events', (t) => {
  const poll = newPoll(t)
  const events = new Events(3)
  new Waker(poll.registry, 1).wake()
  new Waker(poll.registry, 2).wake()

  t.is(poll.poll(events, 0), 2)
  t.is(events.length, 2)
  t.false(events.isEmpty())
  t.is(events.capacity, 3, 'a poll does not change the capacity')

  events.clear()
  t.is(events.length, 0)
  t.true(events.isEmpty())
  t.deepEqual([...events], [])
  t.throws(() => events.token(0), outOfRange, 'cleared events are gone')
})

test('accessors by index throw RangeError ERR_OUT_OF_RANGE outside 0 … length-1', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  for (const accessor of accessors) {
    t.throws(() => events[accessor](0), outOfRange, `${accessor}(0) of an empty Events`)
  }
  new Waker(poll.registry, 1).wake()
  t.is(poll.poll(events, 0), 1)
  for (const accessor of accessors) {
    t.notThrows(() => events[accessor](0))
    // 1 is within capacity but beyond length: it must not read a stale slot.
    for (const index of [1, 3, 4, -1, 0.5, NaN, 2 ** 32]) {
      t.throws(() => events[accessor](index), outOfRange, `${accessor}(${index})`)
    }
  }
})

test('iteration yields Event snapshots in the order of the index accessors', (t) => {
  const poll = newPoll(t)
  const events = new Events(8)
  const tokens = [5, 3, 8, 1, 13]
  for (const token of tokens) new Waker(poll.registry, token).wake()
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 21, Interest.READABLE | Interest.WRITABLE)
  fifo.write()

  // kqueue's read and write filters are two knotes: the FIFO gives two events.
  const fifoTokens = onKqueue ? [21, 21] : [21]
  const n = poll.poll(events, 0)
  t.is(n, tokens.length + fifoTokens.length)
  const iterated = [...events]
  t.is(iterated.length, n)
  iterated.forEach((event, i) => {
    t.true(event instanceof Event)
    t.is(event.token, events.token(i), `token of event ${i}`)
    t.deepEqual(flagsOf(event), flagsAt(events, i), `flags of event ${i}`)
  })
  t.deepEqual(
    iterated.map((e) => e.token).sort((a, b) => a - b),
    [...tokens, ...fifoTokens].sort((a, b) => a - b),
  )

  // Snapshots: a later poll does not change Events already taken out.
  const before = iterated.map((e) => [e.token, flagsOf(e)])
  new Waker(poll.registry, 99).wake()
  t.deepEqual(pollTokens(poll, events, 0), [99])
  t.deepEqual(
    iterated.map((e) => [e.token, flagsOf(e)]),
    before,
  )
})

test("a Waker's event is readable and nothing else", (t) => {
  const poll = newPoll(t)
  const events = new Events(2)
  new Waker(poll.registry, 3).wake()
  t.is(poll.poll(events, 0), 1)
  t.deepEqual(flagsAt(events, 0), { ...none, isReadable: true })
  t.deepEqual(flagsOf([...events][0]!), { ...none, isReadable: true })
})

test('a writable pipe registered WRITABLE is writable and nothing else', (t) => {
  const poll = newPoll(t)
  const events = new Events(2)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 1, Interest.WRITABLE)
  t.is(poll.poll(events, 0), 1)
  t.deepEqual(flagsAt(events, 0), { ...none, isWritable: true })
})

test('a pipe with data registered READABLE | WRITABLE is readable and writable', (t) => {
  const poll = newPoll(t)
  const events = new Events(2)
  const fifo = openFifo(t)
  fifo.write()
  poll.registry.register(fifo.source, 1, Interest.READABLE | Interest.WRITABLE)
  if (!onKqueue) {
    // epoll, and IOCP's AFD poll: one event with both flags.
    t.is(poll.poll(events, 0), 1)
    t.deepEqual(flagsAt(events, 0), { ...none, isReadable: true, isWritable: true })
  } else {
    // kqueue: one event per filter, both with the token.
    t.is(poll.poll(events, 0), 2)
    const flags = [flagsAt(events, 0), flagsAt(events, 1)]
    t.deepEqual([events.token(0), events.token(1)], [1, 1])
    t.deepEqual(
      flags.sort((a, b) => Number(b.isReadable) - Number(a.isReadable)),
      [
        { ...none, isReadable: true },
        { ...none, isWritable: true },
      ],
    )
  }
})

test('a pipe reader whose writer closed is read-closed', (t) => {
  const poll = newPoll(t)
  const events = new Events(2)
  const { reader, writer } = openFifoEnds(t)
  poll.registry.register(reader.source, 1, Interest.READABLE)
  t.is(poll.poll(events, 0), 0)
  writer.close()
  t.is(poll.poll(events, 0), 1)
  t.is(events.token(0), 1)
  t.true(events.isReadClosed(0))
  t.false(events.isWritable(0), 'WRITABLE was not asked for')
})

unixOnly("a FIFO's writer sees its reader's close as an error at once; a TCP stand-in's close is a FIN to the other side")('a pipe writer whose reader closed is write-closed and an error', (t) => {
  const poll = newPoll(t)
  const events = new Events(2)
  const { reader, writer } = openFifoEnds(t)
  poll.registry.register(writer.source, 1, Interest.WRITABLE)
  t.is(poll.poll(events, 0), 1, 'writable at first')
  t.deepEqual(flagsAt(events, 0), { ...none, isWritable: true })
  reader.close()
  t.is(poll.poll(events, 0), 1)
  t.true(events.isWriteClosed(0))
  t.true(events.isError(0))
  t.false(events.isReadable(0))
  t.false(events.isReadClosed(0))
})
