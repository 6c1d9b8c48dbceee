// AtomicWaker in JavaScript (contract section 5, sharing: section 3, errors: section 8):
// `register()` promises that resolve on the first wake after them, from any thread or worker;
// replaced registrations resolve (spurious wake); a wake with nothing registered does nothing;
// take(); handles across workers; close(); keeping the event loop alive (in child processes);
// a terminated worker's registration; futures' register/wake race.
//
// "Still pending" is never checked by waiting: `take()` returns true only while a registration
// is stored, so it tells deterministically that an earlier wake did not consume it.

import test, { type ExecutionContext } from 'ava'

import { AtomicWaker, Poll, SyncEvent, Waker, type AtomicWakerHandle } from '../index.ts'
import { closed, invalidArgType, invalidHandle, unchecked } from './helpers/expect.js'
import { testUnlessLibkqueueGap } from './helpers/libkqueue.js'
import { hangBound } from './helpers/platform.js'
import { Flags } from './helpers/sync-threads.js'
import { settlesWithin, startChild, startSyncWorker } from './helpers/sync-workers.js'

/** Far above what any working wake needs; only turns a lost wake into a failure. */
const HANG_MS = hangBound(10_000)

function newAtomicWaker(t: ExecutionContext): AtomicWaker {
  const waker = new AtomicWaker()
  t.teardown(() => waker.close())
  return waker
}

type Outcome = 'resolved' | `rejected ${string}` | `threw ${string}` | 'pending'

const codeOf = (err: unknown): string => String((err as { code?: unknown }).code)

/** How `promise` settles; 'pending' if it has not within HANG_MS (a lost wake). */
async function outcomeOf(promise: Promise<unknown>, ms = HANG_MS): Promise<Outcome> {
  let outcome: Outcome = 'pending'
  const settled = promise.then(
    () => (outcome = 'resolved'),
    (err: unknown) => (outcome = `rejected ${codeOf(err)}`),
  )
  await settlesWithin(settled, ms)
  return outcome
}

/** How a call that returns a promise ends: a synchronous throw, or how its promise settles. */
async function callOutcome(action: () => Promise<unknown>): Promise<Outcome> {
  let promise: Promise<unknown>
  try {
    promise = action()
  } catch (err) {
    return `threw ${codeOf(err)}`
  }
  return outcomeOf(promise)
}

// --- One thread --------------------------------------------------------------------------------

test('register() resolves on the next wake()', async (t) => {
  const waker = newAtomicWaker(t)
  const woken = waker.register()
  t.true(woken instanceof Promise)
  waker.wake()
  t.is(await outcomeOf(woken), 'resolved')
  t.false(waker.take(), 'the wake consumed the registration')
})

test('a wake() with nothing registered does nothing: a later registration is not resolved by it', async (t) => {
  const waker = newAtomicWaker(t)
  waker.wake()
  waker.wake()
  const later = waker.register()
  t.true(waker.take(), 'the registration was still stored: the earlier wakes were not remembered')
  t.is(await outcomeOf(later), 'resolved', 'take() settles it')
})

test('a wake() resolves only the registration made before it, and is consumed by it', async (t) => {
  const waker = newAtomicWaker(t)
  const first = waker.register()
  waker.wake()
  waker.wake() // nothing registered any more: does nothing
  const second = waker.register()
  t.is(await outcomeOf(first), 'resolved')
  t.true(waker.take(), 'the second registration was not woken by the wakes before it')
  t.is(await outcomeOf(second), 'resolved')
})

test('registering again resolves the replaced promise (a spurious wake); the new one stays registered', async (t) => {
  const waker = newAtomicWaker(t)
  const replaced = waker.register()
  const current = waker.register()
  t.is(await outcomeOf(replaced), 'resolved', 'the replaced registration is never left pending')
  t.true(waker.take(), 'the new registration is the stored one')
  t.is(await outcomeOf(current), 'resolved')
})

test('a chain of replaced registrations all resolve; one wake resolves the last', async (t) => {
  const waker = newAtomicWaker(t)
  const promises = Array.from({ length: 100 }, () => waker.register())
  waker.wake()
  const outcomes = await Promise.all(promises.map((p) => outcomeOf(p)))
  t.deepEqual(outcomes, Array.from({ length: 100 }, () => 'resolved'))
  t.false(waker.take())
})

test('take() removes the registration, resolves its promise, and says whether there was one', async (t) => {
  const waker = newAtomicWaker(t)
  t.false(waker.take(), 'nothing registered')
  const taken = waker.register()
  t.true(waker.take())
  t.false(waker.take(), 'removed by the first take()')
  t.is(await outcomeOf(taken), 'resolved')
  waker.wake() // nothing registered
  const next = waker.register()
  waker.wake()
  t.is(await outcomeOf(next), 'resolved')
  t.false(waker.take(), 'consumed by the wake')
})

test('an AtomicWaker is reusable for any number of register/wake cycles', async (t) => {
  const waker = newAtomicWaker(t)
  for (let i = 0; i < 1000; i++) {
    const woken = waker.register()
    waker.wake()
    await woken
  }
  t.false(waker.take())
})

// --- Handles -------------------------------------------------------------------------------------

test('handle is a string that survives structured cloning; fromHandle gives the same AtomicWaker', async (t) => {
  const waker = newAtomicWaker(t)
  const handle = waker.handle
  t.is(typeof handle, 'string')
  t.is(structuredClone(handle), handle)
  t.is(waker.handle, handle, 'stable')
  const other = AtomicWaker.fromHandle(handle)
  t.true(other instanceof AtomicWaker)
  t.is(other.handle, handle)
  t.not(new AtomicWaker().handle, handle, 'another AtomicWaker has another handle')

  const viaOther = other.register()
  waker.wake()
  t.is(await outcomeOf(viaOther), 'resolved', 'a registration through one object is woken through the other')
  const viaFirst = waker.register()
  t.true(other.take(), 'and they share the stored registration')
  t.is(await outcomeOf(viaFirst), 'resolved')
})

// --- Across workers ------------------------------------------------------------------------------

test('a wake() from a worker resolves a registration of the main thread', async (t) => {
  const waker = newAtomicWaker(t)
  const woken = waker.register()
  const worker = startSyncWorker(t, 'aw-wake', { waker: waker.handle })
  t.is(await worker.nextMessage(), 'woke')
  t.is(await outcomeOf(woken), 'resolved')
  t.is(await worker.exited, 0)
})

test("a wake() from a worker before main registers does nothing to main's later registration", async (t) => {
  const waker = newAtomicWaker(t)
  const worker = startSyncWorker(t, 'aw-wake', { waker: waker.handle })
  t.is(await worker.nextMessage(), 'woke')
  t.is(await worker.exited, 0)
  const later = waker.register()
  t.true(waker.take(), "the worker's wake was not remembered")
  t.is(await outcomeOf(later), 'resolved')
})

test('a registration in a worker is resolved by a wake() from the main thread; the worker then ends by itself', async (t) => {
  const waker = newAtomicWaker(t)
  const worker = startSyncWorker(t, 'aw-register', { waker: waker.handle })
  // Posted from an unref'd timer: only if the pending registration keeps the worker alive.
  t.is(await worker.nextMessage(), 'registered')
  waker.wake()
  t.is(await worker.nextMessage(), 'woken')
  t.is(await settlesWithin(worker.exited, HANG_MS), 'settled', 'a settled registration does not keep the worker alive')
  t.is(await worker.exited, 0)
})

test('a registration in one worker is resolved by a wake() from another worker', async (t) => {
  const waker = newAtomicWaker(t)
  const registering = startSyncWorker(t, 'aw-register', { waker: waker.handle })
  t.is(await registering.nextMessage(), 'registered')
  const waking = startSyncWorker(t, 'aw-wake', { waker: waker.handle })
  t.is(await waking.nextMessage(), 'woke')
  t.is(await registering.nextMessage(), 'woken')
  t.is(await registering.exited, 0)
  t.is(await waking.exited, 0)
})

test("close() in the main thread rejects a worker's pending registration with ERR_CLOSED", async (t) => {
  const waker = newAtomicWaker(t)
  const worker = startSyncWorker(t, 'aw-register', { waker: waker.handle })
  t.is(await worker.nextMessage(), 'registered')
  waker.close()
  t.deepEqual(await worker.nextMessage(), { error: 'ERR_CLOSED' })
  t.is(await worker.exited, 0)
})

// futures' guarantee: "Any calls to wake that happen after a call to register will notify the
// register caller's task". The worker wakes only after main registered (main's ack through
// Atomics); every registration must resolve, and not before that round's wake.
test('register in main, ack, wake from a worker: 1000 rounds, every registration resolves after its own wake', async (t) => {
  const rounds = 1000
  const waker = newAtomicWaker(t)
  const flags = new Flags()
  const worker = startSyncWorker(
    t,
    'aw-wake-rounds',
    { waker: waker.handle, rounds, flags: flags.buffer },
    { rescue: () => flags.set('STOP', 1) },
  )
  t.is(await worker.nextMessage(), 'ready') // loaded: from here on a round takes microseconds
  const failures: string[] = []
  for (let round = 1; round <= rounds; round++) {
    const woken = waker.register()
    flags.set('MAIN', round)
    const outcome = await outcomeOf(woken)
    if (outcome !== 'resolved') {
      failures.push(`round ${round}: ${outcome}`)
      break
    }
    const workerRound = flags.get('WORKER')
    if (workerRound < round) failures.push(`round ${round}: resolved before the worker's wake (worker at ${workerRound})`)
  }
  flags.set('STOP', 1)
  t.deepEqual(failures, [])
  t.deepEqual(await worker.nextMessage(), { rounds })
  t.is(await worker.exited, 0)
})

// "It is safe to call register with multiple other threads concurrently calling wake. This will
// result in the register caller's current task being notified once." A worker wakes without
// pause while main registers again and again: no registration may be lost.
test('registrations racing a worker that wakes in a tight loop: 1000 registrations, none left pending', async (t) => {
  const registrations = 1000
  const waker = newAtomicWaker(t)
  const flags = new Flags()
  const worker = startSyncWorker(
    t,
    'aw-wake-until-stop',
    { waker: waker.handle, flags: flags.buffer },
    { rescue: () => flags.set('STOP', 1) },
  )
  t.is(await worker.nextMessage(), 'ready')
  flags.set('GO', 1)
  const failures: string[] = []
  for (let i = 1; i <= registrations; i++) {
    const outcome = await outcomeOf(waker.register())
    if (outcome !== 'resolved') {
      failures.push(`registration ${i}: ${outcome}`)
      break
    }
  }
  flags.set('STOP', 1)
  t.deepEqual(failures, [])
  const { wakes } = await worker.nextMessage<{ wakes: number }>()
  t.true(wakes > 0)
  t.is(await worker.exited, 0)
})

// --- A terminated worker's registration ----------------------------------------------------------

// The registration's callback belongs to the worker's event loop, which is gone: whatever ends
// the registration afterwards must neither crash the process nor break the AtomicWaker.
for (const ending of ['wake', 'register', 'take', 'close'] as const) {
  test(`a registration of a terminated worker, then ${ending}() from the main thread: no crash, main still works`, async (t) => {
    const waker = newAtomicWaker(t)
    const worker = startSyncWorker(t, 'aw-register', { waker: waker.handle })
    t.is(await worker.nextMessage(), 'registered')
    await worker.worker.terminate()

    switch (ending) {
      case 'wake':
        waker.wake()
        break
      case 'register': {
        const replacing = waker.register() // replaces (and settles) the dead registration
        waker.wake()
        t.is(await outcomeOf(replacing), 'resolved')
        break
      }
      case 'take':
        t.true(waker.take(), "the dead worker's registration was still stored")
        break
      case 'close':
        waker.close()
        break
    }

    // The process survived; a new registration in main still works (on a new AtomicWaker if
    // this one was closed).
    const target = ending === 'close' ? newAtomicWaker(t) : waker
    const woken = target.register()
    target.wake()
    t.is(await outcomeOf(woken), 'resolved')
    const fromWorker = target.register()
    const waking = startSyncWorker(t, 'aw-wake', { waker: target.handle })
    t.is(await waking.nextMessage(), 'woke')
    t.is(await outcomeOf(fromWorker), 'resolved')
  })
}

// --- close() and Symbol.dispose -------------------------------------------------------------------

test('close() rejects a pending registration with ERR_CLOSED; every later use throws ERR_CLOSED', async (t) => {
  const waker = new AtomicWaker()
  const handle = waker.handle
  const other = AtomicWaker.fromHandle(handle)
  const pending = waker.register()
  t.false(waker.closed)
  waker.close()
  t.true(waker.closed)
  t.true(other.closed, 'closed for every object of the same AtomicWaker')
  const err = await t.throwsAsync(pending, closed)
  t.true(err instanceof Error)

  for (const target of [waker, other]) {
    t.throws(() => target.wake(), closed)
    t.throws(() => target.take(), closed)
    t.throws(() => target.handle, closed)
    const outcome = await callOutcome(() => target.register())
    t.true(
      outcome === 'threw ERR_CLOSED' || outcome === 'rejected ERR_CLOSED',
      `register() after close(): ${outcome}`,
    )
  }
  t.throws(() => AtomicWaker.fromHandle(handle), closed)
})

test('close() is idempotent, also through another object', (t) => {
  const waker = new AtomicWaker()
  const other = AtomicWaker.fromHandle(waker.handle)
  waker.close()
  t.notThrows(() => waker.close())
  t.notThrows(() => other.close())
  t.true(other.closed)
})

test('close() with nothing registered, and after the registration was woken, settles nothing twice', async (t) => {
  const waker = new AtomicWaker()
  const woken = waker.register()
  waker.wake()
  waker.close()
  t.is(await outcomeOf(woken), 'resolved', 'a woken registration stays resolved')
  const empty = new AtomicWaker()
  empty.close()
  t.true(empty.closed)
})

test('Symbol.dispose closes it (and rejects a pending registration)', async (t) => {
  const waker = new AtomicWaker()
  t.is(typeof waker[Symbol.dispose], 'function')
  const pending = waker.register()
  waker[Symbol.dispose]()
  t.true(waker.closed)
  await t.throwsAsync(pending, closed)
  t.notThrows(() => waker[Symbol.dispose](), 'idempotent')
  t.throws(() => waker.wake(), closed)
})

// --- Keeping the event loop alive: checked in child processes -------------------------------------

test('a pending registration keeps the process alive until a worker wakes it; then the process exits', async (t) => {
  const child = startChild(t, 'atomic-pending')
  // Printed by an unref'd timer: only if something (the pending registration) keeps the loop alive.
  const first = await child.nextLine().catch((err: Error) => err.message)
  t.is(first, 'pending', `stderr: ${child.stderr()}`)
  if (first !== 'pending') return
  t.false(child.lines.includes('beforeExit while pending'))

  child.writeLine('wake') // the child's worker wakes the AtomicWaker only now
  t.is(await child.nextLine(), 'resolved')
  const outcome = await settlesWithin(child.exited, HANG_MS)
  if (outcome === 'hung') child.kill()
  t.is(outcome, 'settled', 'the child exits by itself once the registration resolved')
  t.deepEqual(await child.exited, { code: 0, signal: null }, child.stderr())
  t.false(child.lines.includes('beforeExit while pending'), child.lines.join('\n'))
})

for (const mode of ['idle', 'settled'] as const) {
  const what =
    mode === 'idle'
      ? 'open AtomicWakers, SyncEvents and a WaitContext'
      : 'registrations and SyncEvent waits that have settled'
  // The settled child awaits SyncEvent.waitAsync(timeout).
  ;(mode === 'settled' ? testUnlessLibkqueueGap(1) : test)(`${what} do not keep the process alive`, async (t) => {
    const child = startChild(t, mode)
    // Loading the child takes long on a busy machine; the hang detector starts at its last line.
    for (let line = ''; line !== 'done'; ) {
      try {
        line = await child.nextLine()
      } catch {
        break // it exited: checked below
      }
    }
    const outcome = await settlesWithin(child.exited, HANG_MS)
    if (outcome === 'hung') child.kill()
    t.is(outcome, 'settled', `the child did not exit by itself; it printed ${JSON.stringify(child.lines)}`)
    t.deepEqual(await child.exited, { code: 0, signal: null }, child.stderr())
    const expected =
      mode === 'idle'
        ? ['waited [1] signaled', 'done', 'beforeExit']
        : [
            'taken true',
            'woken, replaced, taken; closed ERR_CLOSED',
            'signalled signaled',
            'timed out timeout',
            'busy EBUSY, aborted AbortError',
            'done',
            'beforeExit',
          ]
    t.deepEqual(child.lines, expected)
  })
}

// --- Bad inputs ----------------------------------------------------------------------------------

test('fromHandle() with a non-string throws ERR_INVALID_ARG_TYPE', (t) => {
  for (const bad of [undefined, null, 1, 1n, true, {}, [], Symbol('h'), () => 'x', new AtomicWaker()]) {
    t.throws(() => AtomicWaker.fromHandle(unchecked<AtomicWakerHandle>(bad)), invalidArgType, String(typeof bad))
  }
})

test('fromHandle() with a forged, corrupted or foreign handle throws ERR_INVALID_HANDLE', (t) => {
  const waker = newAtomicWaker(t)
  const genuine = waker.handle
  const event = new SyncEvent()
  t.teardown(() => event.close())
  const poll = new Poll()
  t.teardown(() => poll.close())
  const plain = new Waker(poll.registry, 1)
  const parts = genuine.split(':')
  const tag = parts[3]!
  const flipped = tag.replace(/.$/, (c) => (c === '0' ? '1' : '0'))
  const forged = [
    '',
    'garbage',
    'wakepoll:AtomicWaker',
    'wakepoll:AtomicWaker:1',
    `${genuine}:extra`,
    `${parts[0]}:${parts[1]}:${parts[2]}:${flipped}`, // corrupted tag
    `${parts[0]}:${parts[1]}:${Number(parts[2]) + 1000}:${tag}`, // another id, same tag
    `${parts[0]}:${parts[1]}:-1:${tag}`,
    genuine.toUpperCase(),
    ` ${genuine}`,
    event.handle, // a SyncEvent's handle
    plain.handle, // a Waker's handle
    poll.registry.handle, // a Registry's handle
    'wakepoll:AtomicWaker:18446744073709551616:0000000000000000',
    'x'.repeat(100_000),
  ]
  for (const handle of forged) {
    t.throws(() => AtomicWaker.fromHandle(unchecked<AtomicWakerHandle>(handle)), invalidHandle, handle.slice(0, 80))
  }
  // Nothing was corrupted: the genuine AtomicWaker still works.
  t.is(AtomicWaker.fromHandle(genuine).handle, genuine)
})

test('after bad inputs the AtomicWaker still registers and wakes', async (t) => {
  const waker = newAtomicWaker(t)
  t.throws(() => AtomicWaker.fromHandle(unchecked<AtomicWakerHandle>(42)), invalidArgType)
  t.throws(() => AtomicWaker.fromHandle(unchecked<AtomicWakerHandle>('nope')), invalidHandle)
  const woken = waker.register()
  AtomicWaker.fromHandle(waker.handle).wake()
  t.is(await outcomeOf(woken), 'resolved')
})
