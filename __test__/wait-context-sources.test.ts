// WaitContext for any source (issue #17, crosvm's WaitContext): add(source, token) takes what
// registry.register takes — raw fds, sockets, pipe ends, SyncEvents, Timers — addFor(source,
// 'read' | 'write' | 'readwrite', token) and modify(source, type, token); still level-triggered;
// waitEvents() says which way each source is ready ({ token, readable, writable, hungUp }).

import fs from 'node:fs'

import test, { type ExecutionContext } from 'ava'

import { Interest, Poll, SyncEvent, Timer, UnixStream, WaitContext, pipe, type TriggeredEvent } from '../index.ts'
import { throwsSystemError, unchecked } from './helpers/expect.js'
import { libkqueueGap, onLibkqueue } from './helpers/libkqueue.js'
import { hangBound, onEpoll, unixOnly } from './helpers/platform.js'

const HANG_MS = hangBound(10_000)

function newContext(t: ExecutionContext): WaitContext {
  const context = new WaitContext()
  t.teardown(() => context.close())
  return context
}

// Unix only: pipes and Unix domain sockets. Over libkqueue: gap 6 for a socket's modify(),
// gap 1 for a Timer in a WaitContext (its fd is a kqueue's).
const modifyTest = onLibkqueue ? libkqueueGap(6) : unixOnly('Unix domain sockets')
const togetherTest = onLibkqueue ? libkqueueGap(1) : unixOnly('pipes')

function byToken(events: TriggeredEvent[]): TriggeredEvent[] {
  return [...events].sort((a, b) => a.token - b.token)
}

unixOnly('pipes')('pipe ends: the read end while data is there, the write end while there is room; hung up when the writer goes', (t) => {
  const context = newContext(t)
  const [tx, rx] = pipe()
  t.teardown(() => {
    tx.close()
    rx.close()
  })
  context.add(rx, 1)
  context.addFor(tx, 'write', 2)
  for (let i = 0; i < 2; i++) {
    t.deepEqual(context.waitEventsTimeout(HANG_MS), [{ token: 2, readable: false, writable: true, hungUp: false }])
  }
  context.delete(tx)
  t.deepEqual(context.waitTimeout(0), [])
  tx.write(new Uint8Array([1, 2]))
  for (let i = 0; i < 2; i++) t.deepEqual(context.waitTimeout(HANG_MS), [1], 'level-triggered')
  t.is(rx.read(new Uint8Array(8)), 2)
  t.deepEqual(context.waitTimeout(0), [], 'drained: not reported')
  tx.close()
  const [hung] = context.waitEventsTimeout(HANG_MS)
  t.is(hung?.token, 1)
  t.true(hung?.hungUp)
})

modifyTest('modify() switches direction and token; readwrite reports both', (t) => {
  const context = newContext(t)
  const [a, b] = UnixStream.pair()
  t.teardown(() => {
    a.close()
    b.close()
  })
  context.add(a, 1)
  t.deepEqual(context.waitTimeout(0), [])
  context.modify(a, 'readwrite', 3)
  b.write(new Uint8Array([9]))
  t.deepEqual(context.waitEventsTimeout(HANG_MS), [{ token: 3, readable: true, writable: true, hungUp: false }])
  context.modify(a, 'write', 4)
  t.deepEqual(context.waitEventsTimeout(HANG_MS), [{ token: 4, readable: false, writable: true, hungUp: false }])
})

togetherTest('raw fds, SyncEvents and Timers together; a raw fd may be in two contexts', (t) => {
  const context = newContext(t)
  const [tx, rx] = pipe()
  const event = new SyncEvent()
  const timer = new Timer()
  t.teardown(() => {
    for (const r of [tx, rx, event, timer]) r.close()
  })
  context.add(rx.fd, 1)
  context.add(event, 2)
  context.add(timer, 3)
  tx.write(new Uint8Array([1]))
  event.signal()
  timer.reset(0)
  let tokens: number[] = []
  // The timer fires on its own schedule: wait until all three are in.
  while (tokens.length < 3) tokens = context.waitTimeout(HANG_MS).sort((a, b) => a - b)
  t.deepEqual(tokens, [1, 2, 3])
  const other = newContext(t)
  other.add(rx.fd, 7)
  t.deepEqual(other.waitTimeout(HANG_MS), [7])
  context.delete(rx.fd)
  event.reset()
  timer.clear()
  t.deepEqual(byToken(context.waitEventsTimeout(0)), [])
})

unixOnly('Unix domain sockets')("one of wakepoll's own sources in a Poll cannot be added: EEXIST with mio's text", (t) => {
  const context = newContext(t)
  const poll = new Poll()
  const [a, b] = UnixStream.pair()
  t.teardown(() => {
    poll.close()
    a.close()
    b.close()
  })
  poll.registry.register(a, 1, Interest.READABLE)
  throwsSystemError(t, () => context.add(a, 1), 'EEXIST', { message: 'I/O source already registered with a `Registry`' })
  throwsSystemError(t, () => context.delete(b), 'ENOENT')
})

test("addFor/modify: a type other than 'read' | 'write' | 'readwrite' is ERR_INVALID_ARG_VALUE", (t) => {
  const context = newContext(t)
  const event = new SyncEvent()
  t.teardown(() => event.close())
  for (const bad of ['Read', '', 'both', 1, null]) {
    t.throws(() => context.addFor(event, unchecked(bad), 1), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  }
  context.addFor(event, 'read', 1)
  t.throws(() => context.modify(event, unchecked('x'), 1), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  // A file: epoll refuses regular files (EPERM), a clear system error.
  const fd = fs.openSync(new URL(import.meta.url), 'r')
  t.teardown(() => fs.closeSync(fd))
  if (onEpoll) t.throws(() => context.add(fd, 9), { code: 'EPERM' })
})
