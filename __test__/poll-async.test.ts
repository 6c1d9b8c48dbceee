// poll.pollAsync (contract section 4): waiting on the main thread without blocking it and
// without holding a libuv thread-pool thread; what ends the wait (a wake from another thread,
// a ready fd, the timeout, close, abort), EBUSY, argument errors, and keeping the process
// alive while — and only while — a wait is pending.
//
// The main thread's event loop runs while pollAsync waits, so workers get their "pending" ack
// through a SharedArrayBuffer (MAIN_POLLING) set right after pollAsync was called.

import crypto from 'node:crypto'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises'
import { promisify } from 'node:util'

import test, { type ExecutionContext, type ThrowsExpectation } from 'ava'

import { Events, Interest, Poll, Registry, Waker, type WakerHandle } from '../index.ts'
import { badArgument, closed, invalidArgType, newPoll, pollTokens, unchecked } from './helpers/expect.js'
import { openFifo } from './helpers/fds.js'
import { hangBound, onEmulator, onWine } from './helpers/platform.js'
import { Signals, currentTid } from './helpers/threads.js'
import type { PollAsyncMessage, UseAfterCloseResult } from './helpers/worker-scenarios.js'
import { startChildScript, type Child } from './helpers/child.js'
import { startWorker } from './helpers/workers.js'
import { testUnlessLibkqueueGap } from './helpers/libkqueue.js'

const RESCUE = 999_999

/** Wakes the Waker behind `handle` if it is still open (used to unblock a stuck worker). */
function wakeIfOpen(handle: WakerHandle | undefined): void {
  if (handle === undefined) return
  try {
    Waker.fromHandle(handle).wake()
  } catch {
    // Closed already.
  }
}

/** Node's AbortError (as fs, timers/promises and events.once reject with). */
const abortError: ThrowsExpectation<Error> = { instanceOf: Error, name: 'AbortError', code: 'ABORT_ERR' }

/** Another wait is in progress on this Poll. */
const busy: ThrowsExpectation<Error> = { instanceOf: Error, code: 'EBUSY' }

/** The tokens of the last poll, in order. */
function tokensOf(events: Events): number[] {
  const tokens: number[] = []
  for (let i = 0; i < events.length; i++) tokens.push(events.token(i))
  return tokens
}

/**
 * Which settles first: `promise` or a `ms` hang detector. Only turns a hang into a failure
 * with a message instead of ava's timeout; it is not a timing assertion.
 */
async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<'settled' | 'hung'> {
  const detector = new AbortController()
  const outcome = await Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    delay(ms, 'hung' as const, { signal: detector.signal }).catch(() => 'settled' as const),
  ])
  detector.abort()
  return outcome
}

testUnlessLibkqueueGap(1)('resolves with the count when a worker wakes the Poll; events hold the token', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 7)
  const signals = new Signals()
  const worker = startWorker(
    t,
    'wake-in-rounds',
    { wakers: [waker.handle], signals: signals.buffer },
    { rescue: () => signals.set('STOP', 1) },
  )

  const pending = poll.pollAsync(events, null)
  signals.set('MAIN_POLLING', 1) // the worker wakes only now, while the wait is pending
  const n = await pending
  t.is(n, 1)
  t.is(events.length, 1)
  t.deepEqual(tokensOf(events), [7])
  t.true(events.isReadable(0))
  t.is(await worker.nextMessage(), 'done')
  t.is(signals.get('WORKER_ROUNDS'), 1)
  t.is(await worker.exited, 0)
})

testUnlessLibkqueueGap(1)('pollAsync in a worker: the pending wait keeps the worker alive, and a wake from main ends it', async (t) => {
  let handle: WakerHandle | undefined
  const worker = startWorker(t, 'poll-async-until-woken', { token: 12 }, { rescue: () => wakeIfOpen(handle) })
  // Posted from an unref'd timer: it arrives only if the pending wait keeps the worker's loop
  // alive (otherwise the worker ends first and nextMessage rejects).
  handle = (await worker.nextMessage<{ handle: WakerHandle }>()).handle
  t.false(worker.done)
  Waker.fromHandle(handle).wake()
  t.deepEqual(await worker.nextMessage<PollAsyncMessage>(), { count: 1, tokens: [12] })
  t.is(await worker.exited, 0, 'and once it ended, the worker ends by itself')
})

testUnlessLibkqueueGap(1)('resolves when a registered FIFO becomes readable after the wait started', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  poll.registry.register(fifo.source, 21, Interest.READABLE)

  let written = false
  const pending = poll.pollAsync(events, null)
  setImmediate(() => {
    written = true
    fifo.write()
  })
  t.is(await pending, 1)
  t.true(written, 'the wait ended only after the write')
  t.deepEqual(tokensOf(events), [21])
  t.true(events.isReadable(0))
})

testUnlessLibkqueueGap(1)('a registration made from a worker while pollAsync is pending takes effect in that wait', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  const rescue = new Waker(poll.registry, RESCUE) // a failing worker wakes it: the tokens tell
  const signals = new Signals()
  const worker = startWorker(
    t,
    'register-while-main-polls',
    {
      registry: poll.registry.handle,
      fd: fifo.fd,
      writer: fifo.writerHandle(),
      token: 11,
      rescue: rescue.handle,
      signals: signals.buffer,
      mainTid: currentTid(),
    },
    { rescue: () => signals.set('MAIN_POLLING', 1) },
  )
  t.is(await worker.nextMessage(), 'ready')

  const pending = poll.pollAsync(events, null)
  signals.set('MAIN_POLLING', 1)
  t.is(await pending, 1)
  t.deepEqual(tokensOf(events), [11])
  t.is(await worker.exited, 0)
})

test('pollAsync(events, 0) collects what is ready, and clears events when nothing is', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 3)
  waker.wake()
  t.is(await poll.pollAsync(events, 0), 1)
  t.deepEqual(tokensOf(events), [3])
  t.is(await poll.pollAsync(events, 0), 0)
  t.is(events.length, 0)
})

testUnlessLibkqueueGap(1)('a wake made before pollAsync is not lost', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  new Waker(poll.registry, 4).wake()
  t.is(await poll.pollAsync(events, null), 1)
  t.deepEqual(tokensOf(events), [4])
})

testUnlessLibkqueueGap(1)('a timeout with nothing ready resolves 0, never before the timeout (fractions included)', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  new Waker(poll.registry, 1).wake()
  t.is(poll.poll(events, 0), 1) // events now hold an old event: the wait must clear them
  for (const timeout of [5, 0.1, 1.5]) {
    const start = performance.now()
    const n = await poll.pollAsync(events, timeout)
    const waited = performance.now() - start
    t.is(n, 0, `timeout ${timeout}`)
    t.is(events.length, 0, `timeout ${timeout}: events cleared`)
    t.true(waited >= timeout, `timeout ${timeout} ms resolved after ${waited.toFixed(3)} ms`)
  }
  t.is(poll.poll(events, 0), 0, 'the Poll is free again after a timeout')
})

testUnlessLibkqueueGap(1)('abort rejects with Node’s AbortError whose cause is the signal’s reason', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 5)
  const controller = new AbortController()
  const reason = { why: 'custom reason object' }

  const pending = poll.pollAsync(events, null, { signal: controller.signal })
  await nextTurn() // the wait is under way, not just called
  controller.abort(reason)
  const err = await t.throwsAsync(pending, abortError)
  t.is((err as Error & { cause?: unknown }).cause, reason)

  // The Poll is free again and no event was eaten.
  waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [5], 'a sync poll after the abort gets the wake')
  waker.wake()
  t.is(await poll.pollAsync(events, null), 1, 'and so does a later pollAsync')
  t.deepEqual(tokensOf(events), [5])
})

testUnlessLibkqueueGap(1)('a wake and an abort in the same turn: the abort wins, and the wake is not lost', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 5)
  const controller = new AbortController()
  const pending = poll.pollAsync(events, null, { signal: controller.signal })
  await nextTurn()
  waker.wake()
  controller.abort() // before the event loop could see the wake
  await t.throwsAsync(pending, abortError)
  t.deepEqual(pollTokens(poll, events, 0), [5], 'the next poll gets the wake')
})

testUnlessLibkqueueGap(1)('a wake and close() in the same turn: ERR_CLOSED', async (t) => {
  const poll = new Poll()
  t.teardown(() => poll.close())
  const waker = new Waker(poll.registry, 5)
  const pending = poll.pollAsync(new Events(4), null)
  await nextTurn()
  waker.wake()
  poll.close()
  await t.throwsAsync(pending, closed)
})

testUnlessLibkqueueGap(1)('abort() without a reason: cause is the signal’s default reason', async (t) => {
  const poll = newPoll(t)
  const controller = new AbortController()
  const pending = poll.pollAsync(new Events(4), null, { signal: controller.signal })
  controller.abort()
  const err = await t.throwsAsync(pending, abortError)
  t.is((err as Error & { cause?: unknown }).cause, controller.signal.reason)
})

test('an already-aborted signal rejects at once, and the Poll stays usable', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 6)
  const reason = new Error('aborted before the call')
  const pending = poll.pollAsync(events, null, { signal: AbortSignal.abort(reason) })
  const outcome = await settlesWithin(pending, hangBound(2000))
  if (outcome === 'hung') waker.wake() // so the wait ends and the Poll can close
  t.is(outcome, 'settled', 'nothing is ready and the timeout is null: only the abort can end it')
  const err = await t.throwsAsync(pending, abortError)
  t.is((err as Error & { cause?: unknown }).cause, reason)

  waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [6])
})

testUnlessLibkqueueGap(1)('an abort after the wait resolved changes nothing', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 8)
  const controller = new AbortController()
  waker.wake()
  t.is(await poll.pollAsync(events, null, { signal: controller.signal }), 1)
  controller.abort()
  t.deepEqual(tokensOf(events), [8], 'the events of the finished wait stay')
  waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [8], 'the Poll is not disturbed')
})

testUnlessLibkqueueGap(1)('close() while pollAsync is pending rejects it with ERR_CLOSED; later uses throw/reject ERR_CLOSED', async (t) => {
  const poll = new Poll()
  t.teardown(() => poll.close())
  const fifo = openFifo(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  const registry = poll.registry
  const other = Registry.fromHandle(registry.handle)
  const registryHandle = registry.handle
  const wakerHandle = waker.handle

  const pending = poll.pollAsync(events, null)
  await nextTurn()
  poll.close()
  const err = await t.throwsAsync(pending, closed)
  t.is(err?.name, 'Error')
  t.true(poll.closed)

  t.throws(() => poll.poll(new Events(1), 0), closed, 'sync poll: ERR_CLOSED, not EBUSY')
  await t.throwsAsync(() => poll.pollAsync(new Events(1), null), closed, 'pollAsync rejects (does not throw)')
  t.throws(() => waker.wake(), closed)
  t.true(waker.closed)
  for (const r of [registry, other]) {
    t.throws(() => r.register(fifo.source, 2, Interest.READABLE), closed)
    t.throws(() => r.handle, closed)
  }
  t.throws(() => new Waker(registry, 3), closed)
  t.throws(() => Registry.fromHandle(registryHandle), closed)
  t.throws(() => Waker.fromHandle(wakerHandle), closed)
})

testUnlessLibkqueueGap(1)('close() in the then-callback of a resolved pollAsync, and close() twice while pending', async (t) => {
  const poll = new Poll()
  t.teardown(() => poll.close())
  const events = new Events(4)
  const waker = new Waker(poll.registry, 2)
  waker.wake()
  const n = await poll.pollAsync(events, null).then((count) => {
    poll.close()
    return count
  })
  t.is(n, 1)
  t.true(poll.closed)

  const again = new Poll()
  t.teardown(() => again.close())
  const pending = again.pollAsync(new Events(4), null)
  again.close()
  again.close()
  await t.throwsAsync(pending, closed)
})

testUnlessLibkqueueGap(1)("close() while pollAsync is pending: a worker's Registry and Waker throw ERR_CLOSED", async (t) => {
  const poll = new Poll()
  t.teardown(() => poll.close())
  const fifo = openFifo(t)
  const waker = new Waker(poll.registry, 1)
  const signals = new Signals()
  const worker = startWorker(
    t,
    'use-after-poll-closed',
    { registry: poll.registry.handle, waker: waker.handle, fd: fifo.fd, signals: signals.buffer },
    { rescue: () => signals.set('POLL_CLOSED', 1) },
  )
  t.is(await worker.nextMessage(), 'ready')

  const pending = poll.pollAsync(new Events(4), null)
  poll.close()
  signals.set('POLL_CLOSED', 1)
  await t.throwsAsync(pending, closed)
  const codes = Object.fromEntries(
    ['register', 'reregister', 'deregister', 'registryHandle', 'registryFromHandle', 'newWaker', 'wake', 'wakerFromHandle'].map(
      (use) => [use, 'ERR_CLOSED'],
    ),
  )
  t.deepEqual(await worker.nextMessage<UseAfterCloseResult>(), { ...codes, wakerClosed: true })
  t.is(await worker.exited, 0)
})

testUnlessLibkqueueGap(1)('while pollAsync is pending: sync poll throws EBUSY, a second pollAsync rejects EBUSY; the first still resolves', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const other = new Events(4)
  const waker = new Waker(poll.registry, 9)

  const pending = poll.pollAsync(events, null)
  await nextTurn()
  t.throws(() => poll.poll(other, 0), busy, 'poll(…, 0)')
  t.throws(() => poll.poll(other, null), busy, 'poll(…, null) fails at once instead of blocking')
  await t.throwsAsync(() => poll.pollAsync(other, null), busy, 'pollAsync rejects (does not throw)')
  await t.throwsAsync(() => poll.pollAsync(other, 0), busy, 'also with timeout 0')
  const controller = new AbortController()
  await t.throwsAsync(() => poll.pollAsync(other, null, { signal: controller.signal }), busy)
  controller.abort() // the refused call left nothing behind that this could reach

  waker.wake()
  t.is(await pending, 1)
  t.deepEqual(tokensOf(events), [9])
  t.is(other.length, 0, 'the refused calls did not fill their events')
  t.is(poll.poll(events, 0), 0, 'the Poll is free again and nothing was left over')
})

testUnlessLibkqueueGap(1)('with 8 pollAsync pending on 8 Polls, fs and crypto (libuv thread pool) still work', async (t) => {
  // If pollAsync held pool threads, fs and crypto would never complete: fail with a message
  // rather than at ava's global timeout.
  t.timeout(60_000, 'fs/crypto did not complete while 8 pollAsync were pending: do they hold libuv pool threads?')
  const pool = Number(process.env['UV_THREADPOOL_SIZE'] ?? 4)
  if (pool >= 8) t.log(`UV_THREADPOOL_SIZE=${pool}: this test cannot tell whether pollAsync holds pool threads`)
  const polls = Array.from({ length: 8 }, () => newPoll(t))
  const wakers = polls.map((poll, i) => new Waker(poll.registry, 100 + i))
  const events = polls.map(() => new Events(4))
  let settled = 0
  const pending = polls.map((poll, i) =>
    poll.pollAsync(events[i]!, null).finally(() => {
      settled++
    }),
  )
  for (const p of pending) p.catch(() => {}) // a failed test closes the Polls: not unhandled
  await nextTurn()

  const work = Promise.all([
    fs.promises.readFile(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    promisify(crypto.pbkdf2)('password', 'salt', 1000, 32, 'sha256'),
    // More pool jobs than pool threads, so that even one held thread would be seen as a hang.
    ...Array.from({ length: 8 }, (_, i) => promisify(crypto.pbkdf2)(`p${i}`, 'salt', 1000, 32, 'sha256')),
  ])
  const first = await Promise.race([
    work.then(() => 'fs and crypto done'),
    Promise.race(pending).then(
      () => 'a pollAsync resolved first',
      () => 'a pollAsync rejected first',
    ),
  ])
  t.is(first, 'fs and crypto done')
  t.is(settled, 0, 'all 8 waits were still pending when fs and crypto completed')
  const [text, key] = (await work) as [string, Buffer]
  t.true(text.includes('"name": "wakepoll"'))
  t.is(key.toString('hex'), crypto.pbkdf2Sync('password', 'salt', 1000, 32, 'sha256').toString('hex'))

  for (const waker of wakers) waker.wake()
  t.deepEqual(await Promise.all(pending), [1, 1, 1, 1, 1, 1, 1, 1])
  t.deepEqual(
    events.map((e) => tokensOf(e)),
    wakers.map((_, i) => [100 + i]),
  )
})

const badTimeouts: [string, unknown, 'type' | 'range'][] = [
  ['-1', -1, 'range'],
  ['NaN', NaN, 'range'],
  ['-Infinity', -Infinity, 'range'],
  ["'x'", 'x', 'type'],
  ["'5'", '5', 'type'],
  ['{}', {}, 'type'],
  ['5n', 5n, 'type'],
]

test('bad arguments reject (never throw) with TypeError/RangeError and Node codes, and change nothing', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [1])
  waker.wake() // pending: must survive the failed calls

  for (const value of [undefined, null, {}, { capacity: 4, length: 0 }, [], new Float64Array(4)]) {
    await t.throwsAsync(() => poll.pollAsync(unchecked(value), 0), invalidArgType, `events ${String(value)}`)
  }
  for (const [label, timeout, kind] of badTimeouts) {
    await t.throwsAsync(() => poll.pollAsync(events, unchecked(timeout)), badArgument(kind), `timeout ${label}`)
    t.is(events.length, 1, `events of the last poll are untouched after timeout ${label}`)
  }
  const badSignals: [string, unknown][] = [
    ['{}', {}],
    ["'x'", 'x'],
    ['1', 1],
    ['null', null],
    ['an AbortController', new AbortController()],
    ['a lookalike', { aborted: false, addEventListener() {}, removeEventListener() {} }],
  ]
  for (const [label, signal] of badSignals) {
    await t.throwsAsync(
      () => poll.pollAsync(events, 0, { signal: unchecked(signal) }),
      invalidArgType,
      `options.signal ${label}`,
    )
  }
  t.deepEqual(pollTokens(poll, events, 0), [1], 'the pending wake is still delivered; the Poll is not busy')
})

testUnlessLibkqueueGap(1)('options and options.signal may be left out or undefined', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  for (const options of [undefined, {}, { signal: undefined }]) {
    waker.wake()
    t.is(await poll.pollAsync(events, null, options), 1, JSON.stringify(options))
  }
  waker.wake()
  t.is(await poll.pollAsync(events), 1, 'the timeout may be left out')
  waker.wake()
  t.is(await poll.pollAsync(events, undefined), 1)
})

// --- Keeping the process alive: checked in child processes ---------------------------------

/**
 * How long a child may take to exit before it counts as kept alive: a bound that only detects a
 * hang. Under wine a node.exe child (tsx compiling the script with esbuild.exe) starts many
 * times slower, and under qemu-user an arm64 node takes seconds to boot before tsx begins.
 */
const CHILD_EXIT_BOUND = onWine || onEmulator ? 90_000 : hangBound(10_000)

const childScript = fileURLToPath(new URL('./helpers/keepalive-child.ts', import.meta.url))

function startChild(t: ExecutionContext, mode: 'pending' | 'idle' | 'settled'): Child {
  return startChildScript(t, childScript, [mode])
}

testUnlessLibkqueueGap(1)('a pending pollAsync keeps the process alive until a wake ends it; then the process exits', async (t) => {
  const child = startChild(t, 'pending')
  // Printed by an unref'd timer: only if something (the pending wait) keeps the loop alive.
  const first = await child.nextLine().catch((err: Error) => err.message)
  t.is(first, 'pending', `stderr: ${child.stderr()}`)
  if (first !== 'pending') return

  child.writeLine('wake') // the child's worker wakes the Poll only now
  t.is(await child.nextLine(), 'resolved 1 7')
  const outcome = await settlesWithin(child.exited, CHILD_EXIT_BOUND)
  if (outcome === 'hung') child.kill()
  t.is(outcome, 'settled', 'the child exits by itself once the wait resolved')
  t.deepEqual(await child.exited, { code: 0, signal: null }, child.stderr())
  t.deepEqual(child.lines, ['pending', 'resolved 1 7', 'beforeExit'])
})

test('Poll, Waker and Registry objects left open do not keep the process alive', async (t) => {
  const child = startChild(t, 'idle')
  const outcome = await settlesWithin(child.exited, CHILD_EXIT_BOUND)
  if (outcome === 'hung') child.kill()
  t.is(outcome, 'settled', `the child did not exit by itself; it printed ${JSON.stringify(child.lines)}`)
  t.deepEqual(await child.exited, { code: 0, signal: null }, child.stderr())
  t.deepEqual(child.lines, ['polled 1', 'done', 'beforeExit'])
})

testUnlessLibkqueueGap(1)('pollAsync calls that ended (resolved, timed out, aborted, EBUSY) and a left watch() do not keep the process alive', async (t) => {
  const child = startChild(t, 'settled')
  const outcome = await settlesWithin(child.exited, CHILD_EXIT_BOUND)
  if (outcome === 'hung') child.kill()
  t.is(outcome, 'settled', `the child did not exit by itself; it printed ${JSON.stringify(child.lines)}`)
  t.deepEqual(await child.exited, { code: 0, signal: null }, child.stderr())
  t.deepEqual(child.lines, [
    'resolved 1',
    'timed out 0',
    'aborted AbortError',
    'busy EBUSY, then resolved 1',
    'watched 1',
    'done',
    'beforeExit',
  ])
})
