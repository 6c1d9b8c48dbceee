// Waker: wake semantics, several Wakers per Poll, close and lifetime, handles
// (contract sections 2 and 3). Wakes across workers: workers.test.ts.

import { setImmediate as nextTurn } from 'node:timers/promises'
import v8 from 'node:v8'
import vm from 'node:vm'

import test from 'ava'

import { Events, Interest, Poll, Registry, Waker, type WakerHandle } from '../index.ts'
import {
  badArgument,
  closed,
  invalidArgType,
  invalidHandle,
  newPoll,
  pollTokens,
  unchecked,
} from './helpers/expect.js'
import { openFifo } from './helpers/fds.js'

test('a wake before the poll is not lost', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  waker.wake()
  t.deepEqual(pollTokens(poll, events, null), [1])
  t.true(events.isReadable(0))
})

test('several wakes before one poll give exactly one event', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  for (let i = 0; i < 100; i++) waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [1])
  t.deepEqual(pollTokens(poll, events, 0), [], 'and nothing after it')
})

test('after the event is collected, the next wake gives a new event (no reset needed)', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  for (let round = 0; round < 5; round++) {
    waker.wake()
    t.deepEqual(pollTokens(poll, events, 0), [1], `round ${round}`)
    t.deepEqual(pollTokens(poll, events, 0), [], `round ${round}: collected`)
  }
})

test('several Wakers on one Poll each report their own token', (t) => {
  const poll = newPoll(t)
  const events = new Events(8)
  const wakers = [1, 2, 3, 4].map((token) => new Waker(poll.registry, token))
  wakers[0]!.wake()
  wakers[2]!.wake()
  t.deepEqual(
    pollTokens(poll, events, 0).sort((a, b) => a - b),
    [1, 3],
  )
  wakers[1]!.wake()
  t.deepEqual(pollTokens(poll, events, 0), [2])
  for (const waker of wakers) waker.wake()
  t.deepEqual(
    pollTokens(poll, events, 0).sort((a, b) => a - b),
    [1, 2, 3, 4],
  )
})

test('Waker tokens 0 and Number.MAX_SAFE_INTEGER round-trip exactly; a token may equal an fd registration', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  for (const token of [0, Number.MAX_SAFE_INTEGER]) {
    new Waker(poll.registry, token).wake()
    t.deepEqual(pollTokens(poll, events, 0), [token])
  }
  // Every token belongs to the user: a Waker and an fd may even share one.
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 0, Interest.READABLE)
  fifo.write()
  t.deepEqual(pollTokens(poll, events, 0), [0])
})

test('a Waker of one Poll does not wake another', (t) => {
  const a = newPoll(t)
  const b = newPoll(t)
  const events = new Events(4)
  new Waker(a.registry, 1).wake()
  t.is(b.poll(events, 0), 0)
  t.deepEqual(pollTokens(a, events, 0), [1])
})

test('new Waker() checks its arguments', (t) => {
  const poll = newPoll(t)
  for (const registry of [undefined, null, {}, poll, poll.registry.handle]) {
    t.throws(() => new Waker(unchecked(registry), 1), invalidArgType)
  }
  const tokens: [unknown, 'type' | 'range'][] = [
    [-1, 'range'],
    [1.5, 'range'],
    [2 ** 53, 'range'],
    [NaN, 'range'],
    ['1', 'type'],
    [1n, 'type'],
    [undefined, 'type'],
  ]
  for (const [token, kind] of tokens) {
    t.throws(() => new Waker(poll.registry, unchecked(token)), badArgument(kind), `token ${String(token)}`)
  }
})

test('close() ends the Waker: closed is true, wake() and handle throw ERR_CLOSED; close is idempotent', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  const other = new Waker(poll.registry, 2)
  t.false(waker.closed)
  waker.close()
  t.true(waker.closed)
  t.throws(() => waker.wake(), closed)
  t.throws(() => waker.handle, closed)
  t.notThrows(() => waker.close())
  t.true(waker.closed)

  other.wake()
  t.deepEqual(pollTokens(poll, events, 0), [2], 'other Wakers of the Poll are not affected')
})

test('Symbol.dispose closes the Waker (also through `using`)', (t) => {
  const poll = newPoll(t)
  const waker = new Waker(poll.registry, 1)
  waker[Symbol.dispose]()
  t.true(waker.closed)
  t.throws(() => waker.wake(), closed)

  let escaped: Waker | undefined
  {
    using scoped = new Waker(poll.registry, 2)
    escaped = scoped
    scoped.wake()
  }
  t.true(escaped.closed)
})

test('poll.close() closes its Wakers and Registry; every later use throws ERR_CLOSED', (t) => {
  const poll = new Poll()
  const fifo = openFifo(t)
  const waker = new Waker(poll.registry, 1)
  const wakerHandle = waker.handle
  const copy = Waker.fromHandle(wakerHandle)
  const registryHandle = poll.registry.handle
  waker.wake() // a pending wake does not keep anything open

  poll.close()
  t.true(poll.closed)
  for (const w of [waker, copy]) {
    t.true(w.closed)
    t.throws(() => w.wake(), closed)
    t.throws(() => w.handle, closed)
    t.notThrows(() => w.close())
  }
  t.throws(() => Waker.fromHandle(wakerHandle), closed)
  t.throws(() => new Waker(poll.registry, 2), closed)
  t.throws(() => poll.registry.register(fifo.source, 3, Interest.READABLE), closed)
  t.throws(() => Registry.fromHandle(registryHandle), closed)
  t.throws(() => poll.poll(new Events(4), 0), closed)
  t.notThrows(() => poll.close())
})

test('a handle survives structuredClone, and fromHandle() gives a live Waker for the same waker', (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 6)
  const handle = waker.handle
  t.is(typeof handle, 'string')
  t.is(waker.handle, handle, 'the handle is stable')

  const copy = Waker.fromHandle(structuredClone(handle))
  t.true(copy instanceof Waker)
  t.false(copy.closed)
  t.is(copy.handle, handle)
  copy.wake()
  t.deepEqual(pollTokens(poll, events, 0), [6], 'the copy wakes with the original token')

  copy.close()
  t.true(waker.closed, 'closing one object closes the Waker for every holder')
  t.throws(() => waker.wake(), closed)
})

test('fromHandle() of a closed Waker throws ERR_CLOSED', (t) => {
  const poll = newPoll(t)
  const waker = new Waker(poll.registry, 1)
  const handle = waker.handle
  waker.close()
  t.throws(() => Waker.fromHandle(handle), closed)
})

test('fromHandle() refuses forged or foreign handles with ERR_INVALID_HANDLE', (t) => {
  const poll = newPoll(t)
  const real = new Waker(poll.registry, 1).handle
  const [prefix, kind, id, tag] = real.split(':')
  const flipped = tag!.endsWith('0') ? `${tag!.slice(0, -1)}1` : `${tag!.slice(0, -1)}0`
  const forged = [
    '',
    'x',
    'wakepoll:Waker:1:0000000000000000',
    `${prefix}:${kind}:${id}:${flipped}`,
    `${prefix}:${kind}:${Number(id) + 1}:${tag}`,
    `${real}:extra`,
    `${real} `,
    poll.registry.handle, // a Registry's handle is not a Waker's
    'wakepoll:Waker:18446744073709551615:ffffffffffffffff',
    '\u0000'.repeat(64),
    'wakepoll:Waker:'.repeat(10_000),
  ]
  for (const handle of forged) {
    t.throws(() => Waker.fromHandle(unchecked<WakerHandle>(handle)), invalidHandle, JSON.stringify(handle.slice(0, 80)))
  }
})

test('fromHandle() refuses a non-string with TypeError ERR_INVALID_ARG_TYPE', (t) => {
  const poll = newPoll(t)
  const waker = new Waker(poll.registry, 1)
  for (const value of [undefined, null, 1, {}, waker, [waker.handle], Symbol('handle')]) {
    t.throws(() => Waker.fromHandle(unchecked(value)), invalidArgType)
  }
})

/** `global.gc`, made available at run time (ava does not pass --expose-gc). */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as () => void
}

test('garbage collection of a Waker object does not end the Waker', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const gc = exposeGc()

  // The only reference to the object is a WeakRef: after a collection it is gone.
  const { handle, ref } = (() => {
    const waker = new Waker(poll.registry, 8)
    return { handle: waker.handle, ref: new WeakRef(waker) }
  })()
  for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
    await nextTurn() // WeakRef targets stay alive until the current job ends
    gc()
  }
  t.is(ref.deref(), undefined, 'the Waker object was collected')
  await nextTurn() // let napi finalizers run

  const again = Waker.fromHandle(handle)
  t.false(again.closed)
  again.wake()
  t.deepEqual(pollTokens(poll, events, 0), [8])
  again.close()
})
