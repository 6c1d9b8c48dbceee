// Errors everywhere (contract section 8): the shapes of argument errors and system errors, and
// that bad input never corrupts another registration or loses another source's event.

import test from 'ava'

import { Events, Interest, Poll, Registry, Waker } from '../index.ts'
import {
  closed,
  invalidArgType,
  newPoll,
  outOfRange,
  pollTokens,
  throwsSystemError,
  unchecked,
} from './helpers/expect.js'
import { fdsLinkedTo, NOT_OPEN, onEpoll, openFifo, openRegularFile, SELECTOR_CTL, unopenedFd } from './helpers/fds.js'

/** An interest this platform lacks: AIO everywhere but FreeBSD, PRIORITY everywhere but Linux. */
const UNSUPPORTED = onEpoll ? Interest.AIO : Interest.PRIORITY

test('argument errors name the argument and what was received, as Node’s own do', (t) => {
  const poll = newPoll(t)
  const typeError = t.throws(() => poll.registry.register(0, unchecked('1'), Interest.READABLE), invalidArgType)
  t.regex(typeError?.message ?? '', /^The "token" argument must be .+\. Received type string \('1'\)$/)
  const rangeError = t.throws(() => poll.registry.register(0, -1, Interest.READABLE), outOfRange)
  t.regex(rangeError?.message ?? '', /^The value of "token" is out of range\. .+\. Received -1$/)

  t.regex(t.throws(() => new Events(0), outOfRange)?.message ?? '', /"capacity"/)
  t.regex(t.throws(() => poll.registry.register(-1, 1, Interest.READABLE), outOfRange)?.message ?? '', /"fd"/)
  t.regex(t.throws(() => poll.registry.register(0, 1, 0), outOfRange)?.message ?? '', /"interest"/)
  t.regex(t.throws(() => poll.poll(new Events(1), -1), outOfRange)?.message ?? '', /"timeout"/)
  t.regex(t.throws(() => poll.poll(unchecked(null), 0), invalidArgType)?.message ?? '', /"events"/)
})

test('system errors have code, negative errno and syscall, with a Node-style message', (t) => {
  const poll = newPoll(t)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 1, Interest.READABLE)

  const exists = throwsSystemError(t, () => poll.registry.register(fifo.source, 1, Interest.READABLE), 'EEXIST')
  t.regex(exists?.message ?? '', new RegExp(`^EEXIST: .*already registered.*, ${SELECTOR_CTL}$`))
  const missing = throwsSystemError(t, () => poll.registry.deregister(openFifo(t).source), 'ENOENT')
  t.regex(missing?.message ?? '', new RegExp(`^ENOENT: .*not registered.*, ${SELECTOR_CTL}$`))
  const bad = throwsSystemError(t, () => poll.registry.register(unopenedFd(), 1, Interest.READABLE), NOT_OPEN)
  t.regex(bad?.message ?? '', new RegExp(`^${NOT_OPEN}: .+, ${SELECTOR_CTL}$`))
  if (onEpoll) {
    // Only epoll refuses regular files; kqueue watches them.
    const perm = throwsSystemError(t, () => poll.registry.register(openRegularFile(t), 1, Interest.READABLE), 'EPERM')
    t.regex(perm?.message ?? '', /^EPERM: .+, epoll_ctl$/)
  }
  throwsSystemError(t, () => poll.registry.register(openFifo(t).source, 1, UNSUPPORTED), 'ENOTSUP')
})

test('use after close is ERR_CLOSED from every entry point', (t) => {
  const poll = new Poll()
  const fifo = openFifo(t)
  const registry = poll.registry
  const waker = new Waker(registry, 1)
  const registryHandle = registry.handle
  const wakerHandle = waker.handle
  poll.close()

  const uses: [string, () => unknown][] = [
    ['poll.poll', () => poll.poll(new Events(1), 0)],
    ['registry.register', () => registry.register(fifo.source, 1, Interest.READABLE)],
    ['registry.reregister', () => registry.reregister(fifo.source, 1, Interest.READABLE)],
    ['registry.deregister', () => registry.deregister(fifo.source)],
    ['registry.handle', () => registry.handle],
    ['Registry.fromHandle', () => Registry.fromHandle(registryHandle)],
    ['new Waker', () => new Waker(registry, 2)],
    ['waker.wake', () => waker.wake()],
    ['waker.handle', () => waker.handle],
    ['Waker.fromHandle', () => Waker.fromHandle(wakerHandle)],
  ]
  for (const [name, use] of uses) {
    const err = t.throws(use, closed, name)
    t.is(err?.name, 'Error', `${name}: a plain Error`)
  }
})

// On kqueue a Waker is a user event, with no fd to reach; finding the eventfds needs /proc.
;(onEpoll ? test : test.skip)("the fds of a Poll's own Wakers cannot be reached through register/reregister/deregister", (t) => {
  const eventfd = 'anon_inode:[eventfd]'
  const beforePoll = fdsLinkedTo(eventfd)
  const poll = newPoll(t)
  const beforeWaker = fdsLinkedTo(eventfd)
  const waker = new Waker(poll.registry, 1)
  const afterWaker = fdsLinkedTo(eventfd)
  // The Waker's eventfd, and the one the Poll keeps to wake itself on close().
  const own = [
    ...[...afterWaker].filter((fd) => !beforeWaker.has(fd)),
    ...[...beforeWaker].filter((fd) => !beforePoll.has(fd)),
  ]
  t.is(own.length, 2, `found the eventfds of the Waker and the Poll: ${own.join(', ')}`)

  for (const fd of own) {
    throwsSystemError(t, () => poll.registry.register(fd, 9, Interest.READABLE), 'EEXIST')
    throwsSystemError(t, () => poll.registry.reregister(fd, 9, Interest.READABLE), 'ENOENT')
    throwsSystemError(t, () => poll.registry.deregister(fd), 'ENOENT')
  }
  waker.wake()
  t.deepEqual(pollTokens(poll, new Events(4), 0), [1], 'the Waker still reports its own token')
})

test('a storm of bad calls neither disturbs registrations nor loses pending events', (t) => {
  const poll = newPoll(t)
  const events = new Events(8)
  const fifo = openFifo(t)
  const spare = openFifo(t)
  const waker = new Waker(poll.registry, 1)
  poll.registry.register(fifo.source, 2, Interest.READABLE)
  waker.wake()
  fifo.write()

  const bad: (() => unknown)[] = [
    () => poll.poll(events, -1),
    () => poll.poll(events, unchecked('0')),
    () => poll.poll(unchecked({}), 0),
    () => poll.registry.register(fifo.source, 3, Interest.WRITABLE), // EEXIST
    () => poll.registry.register(fifo.source, -1, Interest.READABLE),
    () => poll.registry.reregister(fifo.source, 3, 0),
    () => poll.registry.reregister(fifo.source, 3, UNSUPPORTED), // ENOTSUP
    () => poll.registry.reregister(spare.source, 3, Interest.READABLE), // ENOENT
    () => poll.registry.deregister(spare.source), // ENOENT
    () => poll.registry.deregister(unopenedFd()), // EBADF
    () => poll.registry.register(unopenedFd(), 3, Interest.READABLE), // EBADF
    () => poll.registry.register(unchecked(1.5), 3, Interest.READABLE),
    () => new Waker(poll.registry, unchecked(1n)),
    () => Waker.fromHandle(unchecked('wakepoll:Waker:1:0000000000000000')),
    () => Registry.fromHandle(unchecked(waker.handle)),
    () => new Events(0),
  ]
  for (const call of bad) t.throws(call, undefined, call.toString())

  t.deepEqual(
    pollTokens(poll, events, 0).sort((a, b) => a - b),
    [1, 2],
    'both pending events arrive',
  )
  t.true(events.isReadable(0) && events.isReadable(1))
  t.false(events.isWritable(0) || events.isWritable(1), 'no WRITABLE crept in')
  t.is(poll.poll(events, 0), 0, 'and nothing else')
})
