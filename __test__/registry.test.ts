// Registry: register / reregister / deregister of raw fds, tokens, interests, handles
// (contract sections 1 and 3). Registration from another worker: workers.test.ts.

import test from 'ava'

import { Events, Interest, Poll, Registry, Waker, type RegistryHandle } from '../index.ts'
import {
  badArgument,
  closed,
  invalidArgType,
  invalidHandle,
  newPoll,
  outOfRange,
  pollTokens,
  throwsSystemError,
  unchecked,
} from './helpers/expect.js'
import { NOT_OPEN, onEpoll, openFifo, openRegularFile, unopenedFd } from './helpers/fds.js'
import { testUnlessLibkqueueGap } from './helpers/libkqueue.js'
import { unixOnly } from './helpers/platform.js'

test('registering an fd twice with one Poll is EEXIST "already registered"; the first registration stays', (t) => {
  const poll = newPoll(t)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 1, Interest.READABLE)

  throwsSystemError(t, () => poll.registry.register(fifo.source, 2, Interest.WRITABLE), 'EEXIST', {
    message: 'already registered',
  })

  fifo.write()
  const events = new Events(4)
  t.deepEqual(pollTokens(poll, events, 0), [1])
  t.false(events.isWritable(0), 'the failed register did not add WRITABLE')
})

test('reregister and deregister of an fd that is not registered are ENOENT "not registered"', (t) => {
  const poll = newPoll(t)
  const fifo = openFifo(t)
  throwsSystemError(t, () => poll.registry.reregister(fifo.source, 1, Interest.READABLE), 'ENOENT', {
    message: 'not registered',
  })
  throwsSystemError(t, () => poll.registry.deregister(fifo.source), 'ENOENT', { message: 'not registered' })

  poll.registry.register(fifo.source, 1, Interest.READABLE)
  poll.registry.deregister(fifo.source)
  throwsSystemError(t, () => poll.registry.deregister(fifo.source), 'ENOENT', { message: 'not registered' })
  throwsSystemError(t, () => poll.registry.reregister(fifo.source, 1, Interest.READABLE), 'ENOENT')
})

test('reregister replaces token and interest completely', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 1, Interest.WRITABLE)
  t.deepEqual(pollTokens(poll, events, 0), [1])
  t.true(events.isWritable(0))

  // Reregistering re-arms: were WRITABLE still watched, the (still writable) pipe would report.
  poll.registry.reregister(fifo.source, 2, Interest.READABLE)
  t.deepEqual(pollTokens(poll, events, 0), [], 'WRITABLE is no longer watched')

  fifo.write()
  t.deepEqual(pollTokens(poll, events, 0), [2], 'the new token is used')
  t.true(events.isReadable(0))
  t.false(events.isWritable(0))
})

test('after deregister returns, readiness that was already pending is not reported', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  const waker = new Waker(poll.registry, 7)
  poll.registry.register(fifo.source, 1, Interest.READABLE | Interest.WRITABLE)
  fifo.write() // readable and writable: pending, not yet collected
  waker.wake() // so that the poll below has something to return

  poll.registry.deregister(fifo.source)
  t.deepEqual(pollTokens(poll, events, 0), [7])
  fifo.write()
  t.deepEqual(pollTokens(poll, events, 0), [], 'new readiness is not reported either')
})

test('a deregistered fd can be registered again, with a new token', (t) => {
  const poll = newPoll(t)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 1, Interest.READABLE)
  poll.registry.deregister(fifo.source)
  poll.registry.register(fifo.source, 2, Interest.READABLE)
  fifo.write()
  t.deepEqual(pollTokens(poll, new Events(4), 0), [2])
})

test('edge-triggered: one event per readiness, none while nothing new happens', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 5, Interest.READABLE)
  t.deepEqual(pollTokens(poll, events, 0), [], 'an empty pipe is not readable')

  fifo.write()
  t.deepEqual(pollTokens(poll, events, 0), [5])
  t.deepEqual(pollTokens(poll, events, 0), [], 'still readable, but nothing new: no event')
  t.deepEqual(pollTokens(poll, events, 1), [], 'not even with a timeout')
})

test('edge-triggered: after reading until it would block, new data gives a new event', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 5, Interest.READABLE)
  for (let round = 0; round < 3; round++) {
    fifo.write('abc')
    t.deepEqual(pollTokens(poll, events, 0), [5], `round ${round}`)
    t.is(fifo.drain(), 3)
    t.deepEqual(pollTokens(poll, events, 0), [], `round ${round}: drained`)
  }
})

testUnlessLibkqueueGap(4)('reregister re-arms a source that is still ready', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 5, Interest.READABLE)
  fifo.write()
  t.deepEqual(pollTokens(poll, events, 0), [5])
  t.deepEqual(pollTokens(poll, events, 0), [])

  poll.registry.reregister(fifo.source, 5, Interest.READABLE)
  t.deepEqual(pollTokens(poll, events, 0), [5], 'still readable: reported again')
  poll.registry.reregister(fifo.source, 6, Interest.READABLE)
  t.deepEqual(pollTokens(poll, events, 0), [6])
})

test('tokens 0 and Number.MAX_SAFE_INTEGER round-trip exactly', (t) => {
  const poll = newPoll(t)
  const events = new Events(8)
  const tokens = [0, 1, 2 ** 32, 2 ** 53 - 2, Number.MAX_SAFE_INTEGER]
  for (const token of tokens) poll.registry.register(openFifo(t).source, token, Interest.WRITABLE)
  const got = pollTokens(poll, events, 0)
  t.deepEqual(
    got.sort((a, b) => a - b),
    tokens,
  )
  t.deepEqual(
    [...events].map((e) => e.token).sort((a, b) => a - b),
    tokens,
    'also through iteration',
  )
})

const badTokens: [string, unknown, 'type' | 'range'][] = [
  ['-1', -1, 'range'],
  ['1.5', 1.5, 'range'],
  ['2**53', 2 ** 53, 'range'],
  ['2**64', 2 ** 64, 'range'],
  ['NaN', NaN, 'range'],
  ['Infinity', Infinity, 'range'],
  ["'1'", '1', 'type'],
  ['1n', 1n, 'type'],
  ['null', null, 'type'],
  ['undefined', undefined, 'type'],
]

const badInterests: [string, unknown, 'type' | 'range'][] = [
  ['0', 0, 'range'],
  ['32', 32, 'range'],
  ['64', 64, 'range'],
  ['READABLE | 64', Interest.READABLE | 64, 'range'],
  ['-1', -1, 'range'],
  ['1.5', 1.5, 'range'],
  ['NaN', NaN, 'range'],
  ["'x'", 'x', 'type'],
  ["'1'", '1', 'type'],
  ['null', null, 'type'],
]

for (const [what, cases] of [
  ['token', badTokens],
  ['interest', badInterests],
] as const) {
  test(`a bad ${what} throws TypeError/RangeError and does not disturb an existing registration`, (t) => {
    const poll = newPoll(t)
    const events = new Events(4)
    const registered = openFifo(t)
    const unregistered = openFifo(t)
    poll.registry.register(registered.source, 1, Interest.READABLE)

    for (const [label, value, kind] of cases) {
      const token = what === 'token' ? value : 2
      const interest = what === 'interest' ? value : Interest.READABLE
      t.throws(
        () => poll.registry.register(unregistered.source, unchecked(token), unchecked(interest)),
        badArgument(kind),
        `register with ${what} ${label}`,
      )
      t.throws(
        () => poll.registry.reregister(registered.source, unchecked(token), unchecked(interest)),
        badArgument(kind),
        `reregister with ${what} ${label}`,
      )
    }

    registered.write()
    t.deepEqual(pollTokens(poll, events, 0), [1], 'the existing registration kept its token and interest')
    t.true(events.isReadable(0))
    // The failed registers did not register the other fd: registering it now succeeds.
    poll.registry.register(unregistered.source, 3, Interest.READABLE)
    unregistered.write()
    t.deepEqual(pollTokens(poll, events, 0), [3])
  })
}

// Bitwise operators see only the low 32 bits: 2**32 + 1 must not pass as READABLE.
test('an interest with bits above 2**32 is a RangeError, not its low 32 bits', (t) => {
  const poll = newPoll(t)
  for (const interest of [2 ** 32 + Interest.READABLE, 2 ** 40 + Interest.WRITABLE, 2 ** 52 + Interest.READABLE]) {
    t.throws(() => poll.registry.register(openFifo(t).source, 1, interest), outOfRange, `interest ${interest}`)
  }
})

test('a bad fd throws TypeError/RangeError from register, reregister and deregister', (t) => {
  const poll = newPoll(t)
  const fds: [string, unknown, 'type' | 'range'][] = [
    ['-1', -1, 'range'],
    ['1.5', 1.5, 'range'],
    ['2**31', 2 ** 31, 'range'],
    ['NaN', NaN, 'range'],
    ["'x'", 'x', 'type'],
    ["'3'", '3', 'type'],
    ['null', null, 'type'],
    ['{}', {}, 'type'],
  ]
  for (const [label, fd, kind] of fds) {
    t.throws(() => poll.registry.register(unchecked(fd), 1, Interest.READABLE), badArgument(kind), `register ${label}`)
    t.throws(() => poll.registry.reregister(unchecked(fd), 1, Interest.READABLE), badArgument(kind), `reregister ${label}`)
    t.throws(() => poll.registry.deregister(unchecked(fd)), badArgument(kind), `deregister ${label}`)
  }
})

test('an fd number that is not open is a system error EBADF (ENOTSOCK on Windows)', (t) => {
  const poll = newPoll(t)
  for (const fd of [unopenedFd(), 0x7fff_ffff]) {
    throwsSystemError(t, () => poll.registry.register(fd, 1, Interest.READABLE), NOT_OPEN)
    throwsSystemError(t, () => poll.registry.reregister(fd, 1, Interest.READABLE), NOT_OPEN)
    throwsSystemError(t, () => poll.registry.deregister(fd), NOT_OPEN)
  }
})

// kqueue watches regular files; only epoll refuses them.
;(onEpoll ? test : test.skip)('an fd epoll cannot watch (a regular file) is a system error EPERM', (t) => {
  const poll = newPoll(t)
  throwsSystemError(t, () => poll.registry.register(openRegularFile(t), 1, Interest.READABLE), 'EPERM')
})

unixOnly('PRIORITY, accepted here, is an interest of Linux and Android only')('AIO and LIO interests are ENOTSUP on Linux and register nothing; PRIORITY is accepted', (t) => {
  const poll = newPoll(t)
  const fifo = openFifo(t)
  for (const interest of [Interest.AIO, Interest.LIO, Interest.READABLE | Interest.AIO, Interest.AIO | Interest.LIO]) {
    throwsSystemError(t, () => poll.registry.register(fifo.source, 1, interest), 'ENOTSUP')
  }
  poll.registry.register(fifo.source, 1, Interest.READABLE)
  throwsSystemError(t, () => poll.registry.reregister(fifo.source, 2, Interest.READABLE | Interest.LIO), 'ENOTSUP')

  fifo.write()
  t.deepEqual(pollTokens(poll, new Events(4), 0), [1], 'the registration is unchanged')

  const other = openFifo(t)
  if (onEpoll) {
    t.notThrows(() => poll.registry.register(other.source, 3, Interest.READABLE | Interest.PRIORITY))
  } else {
    // kqueue has no priority filter.
    throwsSystemError(t, () => poll.registry.register(other.source, 3, Interest.READABLE | Interest.PRIORITY), 'ENOTSUP')
  }
})

test('one fd registered with two Polls: each reports its own token', (t) => {
  const a = newPoll(t)
  const b = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  // The raw number: a raw fd (a SOCKET on Windows) may be watched by several Polls.
  a.registry.register(fifo.fd, 1, Interest.READABLE)
  b.registry.register(fifo.fd, 2, Interest.READABLE)
  fifo.write()
  t.deepEqual(pollTokens(a, events, 0), [1])
  t.deepEqual(pollTokens(b, events, 0), [2])

  b.registry.deregister(fifo.fd)
  fifo.drain()
  fifo.write()
  t.deepEqual(pollTokens(a, events, 0), [1], 'deregistering from one Poll leaves the other')
  t.deepEqual(pollTokens(b, events, 0), [])
})

test('poll.registry is one object; its handle is a string that survives structuredClone', (t) => {
  const poll = newPoll(t)
  t.is(poll.registry, poll.registry)
  t.true(poll.registry instanceof Registry)
  const handle = poll.registry.handle
  t.is(typeof handle, 'string')
  t.is(poll.registry.handle, handle, 'the handle is stable')
  t.not(newPoll(t).registry.handle, handle, 'each Poll has its own')

  const registry = Registry.fromHandle(structuredClone(handle))
  t.true(registry instanceof Registry)
  t.is(registry.handle, handle)
})

test('a Registry from fromHandle() registers with the same Poll', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  const registry = Registry.fromHandle(poll.registry.handle)
  registry.register(fifo.source, 4, Interest.READABLE)
  throwsSystemError(t, () => poll.registry.register(fifo.source, 4, Interest.READABLE), 'EEXIST')
  fifo.write()
  t.deepEqual(pollTokens(poll, events, 0), [4])

  const waker = new Waker(registry, 5)
  waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [5], 'a Waker made on it wakes the same Poll')
  poll.registry.deregister(fifo.source)
  throwsSystemError(t, () => registry.deregister(fifo.source), 'ENOENT')
})

test('Registry.fromHandle refuses forged or foreign handles with ERR_INVALID_HANDLE', (t) => {
  const poll = newPoll(t)
  const real = poll.registry.handle
  const waker = new Waker(poll.registry, 1)
  const [prefix, kind, id, tag] = real.split(':')
  const flipped = (tag!.endsWith('0') ? tag!.slice(0, -1) + '1' : tag!.slice(0, -1) + '0')
  const forged = [
    '',
    'x',
    'wakepoll:Registry:1:0000000000000000',
    `${prefix}:${kind}:${id}:${flipped}`,
    `${prefix}:${kind}:${Number(id) + 1}:${tag}`,
    `${real}:extra`,
    ` ${real}`,
    real.toUpperCase(),
    waker.handle, // a Waker's handle is not a Registry's
    'wakepoll:Registry:18446744073709551616:0000000000000000',
    'wakepoll:Registry:-1:ffffffffffffffff',
    `wakepoll:Registry:${id}:${tag}\u0000`,
    'wakepoll:'.repeat(10_000),
  ]
  for (const handle of forged) {
    t.throws(() => Registry.fromHandle(unchecked<RegistryHandle>(handle)), invalidHandle, JSON.stringify(handle.slice(0, 80)))
  }
})

test('Registry.fromHandle refuses a non-string with ERR_INVALID_ARG_TYPE', (t) => {
  const poll = newPoll(t)
  for (const value of [undefined, null, 1, {}, poll.registry, [poll.registry.handle]]) {
    t.throws(() => Registry.fromHandle(unchecked(value)), invalidArgType)
  }
})

test('a Registry cannot be built from anything but a native registry', (t) => {
  for (const value of [undefined, null, {}, newPoll(t).registry.handle]) {
    t.throws(() => new Registry(unchecked(value)), invalidArgType)
  }
})

test('after poll.close(), the Registry and its handle throw ERR_CLOSED', (t) => {
  const poll = new Poll()
  const fifo = openFifo(t)
  const handle = poll.registry.handle
  const other = Registry.fromHandle(handle)
  poll.registry.register(fifo.source, 1, Interest.READABLE)
  poll.close()
  for (const registry of [poll.registry, other]) {
    t.throws(() => registry.register(openFifo(t).source, 2, Interest.READABLE), closed)
    t.throws(() => registry.reregister(fifo.source, 2, Interest.READABLE), closed)
    t.throws(() => registry.deregister(fifo.source), closed)
    t.throws(() => registry.handle, closed)
  }
  t.throws(() => Registry.fromHandle(handle), closed)
})
