// Across worker_threads (contract sections 1-3): wakes and registrations while another thread
// blocks in poll(…, null), a ping-pong, closing seen from another worker, Waker lifetime when
// a worker's objects go away, and terminating / exiting with a worker blocked in poll.
//
// The main thread blocks its own event loop while it is in poll(…, null), so a worker must be
// loaded and ready (it says so in a message) before the main thread blocks, and after that the
// main thread signals through a SharedArrayBuffer only. A worker that fails while main blocks
// wakes main's "rescue" Waker first (helpers/worker-scenarios.ts), so a bug fails a test
// instead of hanging it.

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import os from 'node:os'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { Events, Poll, Waker, type WakerHandle } from '../index.ts'
import { closed, newPoll, pollTokens } from './helpers/expect.js'
import { fdsLinkedTo, openFifo } from './helpers/fds.js'
import { Signals, currentTid, waitUntilInEpollWait } from './helpers/threads.js'
import type { PingPongResult, PolledMessage, UseAfterCloseResult } from './helpers/worker-scenarios.js'
import { libkqueueGap, onLibkqueue } from './helpers/libkqueue.js'
import { hangBound, unixOnly } from './helpers/platform.js'
import { collectGarbage } from './helpers/resources.js'
import { startWorker } from './helpers/workers.js'

const RESCUE = 999_999

/** Wakes the Waker behind `handle` if it is still open (used to unblock a stuck worker). */
function wakeIfOpen(handle: WakerHandle | undefined): void {
  if (handle === undefined) return
  try {
    Waker.fromHandle(handle).wake()
  } catch {
    // Closed already: the worker is not blocked on it.
  }
}

function logOrdering(t: ExecutionContext, signals: Signals, what: string): void {
  if (signals.get('CONFIRMED') !== 1) {
    t.log(`could not see the main thread inside epoll_wait: ${what} may have happened before the poll`)
  }
}

test('a wake from a worker wakes a poll blocked with timeout null in the main thread', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 7)
  const rescue = new Waker(poll.registry, RESCUE)
  const signals = new Signals()
  const worker = startWorker(
    t,
    'wake-main-while-it-polls',
    { waker: waker.handle, rescue: rescue.handle, signals: signals.buffer, mainTid: currentTid() },
    { rescue: () => signals.set('MAIN_POLLING', 1) },
  )
  t.is(await worker.nextMessage(), 'ready')

  signals.set('MAIN_POLLING', 1)
  const tokens = pollTokens(poll, events, null)
  t.is(await worker.exited, 0)
  t.deepEqual(tokens, [7])
  t.true(events.isReadable(0))
  logOrdering(t, signals, 'the wake')
})

test('a wake from the main thread wakes a poll blocked with timeout null in a worker', async (t) => {
  let handle: WakerHandle | undefined
  const worker = startWorker(t, 'poll-until-woken', { token: 5, timeout: null }, { rescue: () => wakeIfOpen(handle) })
  const started = await worker.nextMessage<{ handle: WakerHandle; tid: number }>()
  handle = started.handle
  if (!waitUntilInEpollWait(started.tid)) t.log('could not see the worker inside epoll_wait')

  Waker.fromHandle(handle).wake()
  t.deepEqual(await worker.nextMessage<PolledMessage>(), { tokens: [5], readable: [true] })
  t.is(await worker.exited, 0)
})

test('a ping-pong of 1000 round trips between main and a worker accounts for every round', async (t) => {
  const rounds = 1000
  // Only turns a lost wake into a failure instead of a hang; a round takes microseconds.
  const guardMs = 10_000
  const poll = newPoll(t)
  const events = new Events(4)
  const own = new Waker(poll.registry, 1)
  const signals = new Signals()
  let theirHandle: WakerHandle | undefined
  const worker = startWorker(
    t,
    'ping-pong',
    { mainWaker: own.handle, token: 2, rounds, timeout: guardMs, signals: signals.buffer },
    {
      rescue: () => {
        signals.set('STOP', 1)
        wakeIfOpen(theirHandle)
      },
    },
  )
  theirHandle = (await worker.nextMessage<{ handle: WakerHandle }>()).handle
  const theirs = Waker.fromHandle(theirHandle)

  const failures: string[] = []
  for (let round = 1; round <= rounds; round++) {
    signals.set('MAIN_ROUNDS', round)
    theirs.wake()
    const n = poll.poll(events, guardMs)
    if (n === 0) {
      failures.push(`round ${round}: no wake within ${guardMs} ms`)
      break
    }
    if (n !== 1 || events.token(0) !== 1) {
      failures.push(`round ${round}: got tokens [${[...events].map((e) => e.token).join(', ')}]`)
    }
    const workerRound = signals.get('WORKER_ROUNDS')
    if (workerRound !== round) failures.push(`round ${round}: the worker was at round ${workerRound}`)
  }
  const extra = poll.poll(events, 0)
  const result = await worker.nextMessage<PingPongResult>()

  t.deepEqual(failures, [], 'main side')
  t.deepEqual(result.failures, [], 'worker side')
  t.is(signals.get('MAIN_ROUNDS'), rounds)
  t.is(signals.get('WORKER_ROUNDS'), rounds)
  t.is(extra, 0, 'no extra event on the main side')
  t.is(result.extra, 0, 'no extra event on the worker side')
  t.is(await worker.exited, 0)
})

test('a registration made from a worker while the main thread blocks in poll takes effect in that poll', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const fifo = openFifo(t)
  const rescue = new Waker(poll.registry, RESCUE)
  const signals = new Signals()
  const worker = startWorker(
    t,
    'register-while-main-polls',
    {
      registry: poll.registry.handle,
      fd: fifo.fd, // fds are process-wide: the number means the same pipe in the worker
      writer: fifo.writerHandle(),
      token: 11,
      rescue: rescue.handle,
      signals: signals.buffer,
      mainTid: currentTid(),
    },
    { rescue: () => signals.set('MAIN_POLLING', 1) },
  )
  t.is(await worker.nextMessage(), 'ready')

  signals.set('MAIN_POLLING', 1)
  const tokens = pollTokens(poll, events, null)
  t.is(await worker.exited, 0)
  t.deepEqual(tokens, [11])
  t.true(events.isReadable(0))
  logOrdering(t, signals, 'the registration')
})

// A signal sent to the process goes to the main thread when it is blocked (the kernel tries the
// thread-group leader first), so the main thread's epoll_wait fails with EINTR. Serial: both
// tests use SIGUSR2 and must not see each other's signal.
for (const variant of ['timeout null, ended by a wake', 'timeout 300 ms'] as const) {
  unixOnly('POSIX signals interrupt system calls (EINTR); Windows has neither', { serial: true })(`a signal during a blocking poll is retried, never an error (EINTR): ${variant}`, async (t) => {
    const poll = newPoll(t)
    const events = new Events(4)
    const waker = new Waker(poll.registry, 7)
    const rescue = new Waker(poll.registry, RESCUE)
    const signals = new Signals()
    const handled = once(process, 'SIGUSR2') // installs a handler: the default action would kill us
    const worker = startWorker(
      t,
      'signal-main-while-it-polls',
      {
        signal: 'SIGUSR2',
        signo: os.constants.signals.SIGUSR2,
        waker: variant === 'timeout 300 ms' ? null : waker.handle,
        rescue: rescue.handle,
        signals: signals.buffer,
        mainTid: currentTid(),
      },
      { rescue: () => signals.set('MAIN_POLLING', 1) },
    )
    t.is(await worker.nextMessage(), 'ready')

    signals.set('MAIN_POLLING', 1)
    if (variant === 'timeout 300 ms') {
      const start = performance.now()
      const tokens = pollTokens(poll, events, 300)
      const waited = performance.now() - start
      t.deepEqual(tokens, [])
      t.true(waited >= 300, `returned after ${waited.toFixed(1)} ms`)
    } else {
      t.deepEqual(pollTokens(poll, events, null), [7])
    }
    t.is(await worker.exited, 0)
    // The signal was taken already; libuv reports it to JavaScript on a later turn of the loop,
    // and its signal handle does not keep the loop alive: a ref'd timer does meanwhile.
    const keepAlive = setInterval(() => {}, 1000)
    await handled
    clearInterval(keepAlive)
    logOrdering(t, signals, 'the signal')
  })
}

test("after poll.close() in the main thread, a worker's Registry and Waker throw ERR_CLOSED", async (t) => {
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

  poll.close()
  signals.set('POLL_CLOSED', 1)
  const codes = Object.fromEntries(
    ['register', 'reregister', 'deregister', 'registryHandle', 'registryFromHandle', 'newWaker', 'wake', 'wakerFromHandle'].map(
      (use) => [use, 'ERR_CLOSED'],
    ),
  )
  t.deepEqual(await worker.nextMessage<UseAfterCloseResult>(), { ...codes, wakerClosed: true })
  t.is(await worker.exited, 0)
})

test('close() of a Waker in a worker closes it in the main thread too', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 1)
  const worker = startWorker(t, 'close-waker', { waker: waker.handle })
  t.is(await worker.nextMessage(), 'closed')
  t.is(await worker.exited, 0)
  t.true(waker.closed)
  t.throws(() => waker.wake(), closed)
  t.is(poll.poll(events, 0), 0)
})

test("a worker's Waker object going away (the worker exits) does not end the Waker", async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const waker = new Waker(poll.registry, 3)
  const handle = waker.handle
  const worker = startWorker(t, 'wake-and-exit', { waker: handle })
  t.is(await worker.nextMessage(), 'woke')
  t.is(await worker.exited, 0)

  t.deepEqual(pollTokens(poll, events, 0), [3], "the worker's wake arrived")
  t.false(waker.closed)
  waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [3], 'the original object still wakes')
  Waker.fromHandle(handle).wake()
  t.deepEqual(pollTokens(poll, events, 0), [3], 'and so does a new object from the handle')
})

test('a Waker created in a worker that exits without closing it stays alive', async (t) => {
  const poll = newPoll(t)
  const events = new Events(4)
  const worker = startWorker(t, 'create-waker-and-exit', { registry: poll.registry.handle, token: 4 })
  const { handle } = await worker.nextMessage<{ handle: WakerHandle }>()
  t.is(await worker.exited, 0)

  const waker = Waker.fromHandle(handle)
  t.false(waker.closed)
  waker.wake()
  t.deepEqual(pollTokens(poll, events, 0), [4])
  waker.close()
})

/** How many epoll and eventfd descriptors this process has open. */
function selectorFds(): { eventpoll: number; eventfd: number } {
  return { eventpoll: fdsLinkedTo('anon_inode:[eventpoll]').size, eventfd: fdsLinkedTo('anon_inode:[eventfd]').size }
}

/** The fd-counting terminate tests: Unix (they read /proc), and not on libkqueue (gap 7). */
const countsSelectorFds = onLibkqueue ? libkqueueGap(7, { serial: true }) : unixOnly('counts epoll and eventfd descriptors through /proc', { serial: true })

// Contract section 3: "Terminated workers leak no file descriptors". Serial: they count the
// descriptors of the whole process, so no other test may open or close any meanwhile.
countsSelectorFds('a worker terminated while it holds a Poll leaks no file descriptors', async (t) => {
  await collectGarbage(undefined, 3) // earlier tests' collectable Polls close now, not mid-count
  const before = selectorFds()
  const worker = startWorker(t, 'hold-poll', { waker: false })
  t.is(await worker.nextMessage(), 'ready')
  await worker.worker.terminate()
  t.deepEqual(selectorFds(), before)
})

// The Waker stays in the process-wide handle table (garbage collection must not end it), but
// once no object in any worker can reach its Poll, the Poll ends and takes its Wakers along.
countsSelectorFds('a worker terminated while it holds a Poll and a Waker leaks no file descriptors', async (t) => {
  await collectGarbage(undefined, 3)
  const before = selectorFds()
  const worker = startWorker(t, 'hold-poll', { waker: true })
  t.is(await worker.nextMessage(), 'ready')
  await worker.worker.terminate()
  t.deepEqual(selectorFds(), before)
})

// Contract section 3: "worker.terminate() of a worker that is blocked in poll(…, null) resolves
// promptly (well under 100 ms)". Without the loop-fd watch (src/thread_stop.rs) it never
// resolves: the worker stays in epoll_wait and Node waits for it. The 2 s limit only detects
// that hang (a timing bound this loose cannot flake); the test then wakes the worker so that it
// can end. The measured time is logged; bench/ measures it properly.
test('worker.terminate() of a worker blocked in poll(…, null) resolves promptly', async (t) => {
  let handle: WakerHandle | undefined
  const worker = startWorker(t, 'poll-until-woken', { token: 1, timeout: null }, { rescue: () => wakeIfOpen(handle) })
  const started = await worker.nextMessage<{ handle: WakerHandle; tid: number }>()
  handle = started.handle
  if (!waitUntilInEpollWait(started.tid)) t.log('could not see the worker inside epoll_wait')

  const hangDetector = new AbortController()
  const start = performance.now()
  const terminated = worker.worker.terminate().then(() => {
    t.log(`terminate() resolved after ${(performance.now() - start).toFixed(1)} ms`)
    return 'terminated' as const
  })
  const outcome = await Promise.race([
    terminated,
    delay(hangBound(2000), 'hung' as const, { signal: hangDetector.signal }).catch(() => 'terminated' as const),
  ])
  hangDetector.abort()
  if (outcome === 'hung') {
    wakeIfOpen(handle)
    await terminated
  }
  t.is(outcome, 'terminated')
})

// Contract section 3: "process.exit() is never held up by a blocked poll". Without the loop-fd
// watch a process whose worker blocks in poll(…, null) never exits. Checked in a child process,
// killed if it has not exited 2 s after calling process.exit().
test('process.exit() is not held up by a worker blocked in poll(…, null)', async (t) => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./helpers/exit-child.mjs', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  let output = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => (output += chunk))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => output.includes('\n') && resolve())
    child.once('exit', () => reject(new Error(`the child ended before blocking: ${output}`)))
  })
  if (output.includes('unconfirmed')) t.log('could not see the worker inside epoll_wait')

  const hangDetector = new AbortController()
  const outcome = await Promise.race([
    exited.then(([code]) => `exited with code ${code}`),
    delay(hangBound(2000), 'hung', { signal: hangDetector.signal }).catch(() => 'aborted'),
  ])
  hangDetector.abort()
  if (outcome === 'hung') child.kill('SIGKILL')
  t.is(outcome, 'exited with code 0')
})
