// Lifetimes (contract sections 2-4): many workers terminated while blocked in poll, many
// create/use/close cycles on the main thread (sync and pollAsync), Polls dropped without
// close(): the process's file descriptors come back to where they were, and resident memory
// does not grow beyond a margin once one-time costs (V8, tsx, allocator arenas) were paid by a
// warm-up.
//
// Reduced counts in the normal suite; `npm run test:stress` (WAKEPOLL_STRESS=1) runs the full
// ones. Serial: they count the file descriptors of the whole process.

import { setTimeout as delay } from 'node:timers/promises'

import test from 'ava'

import { Events, Interest, pipe, Poll, Registry, TcpListener, TcpStream, UnixStream, WaitContext, Waker, type WakerHandle } from '../index.ts'
import { fdsLinkedTo, openFifo } from './helpers/fds.js'
import { NO_HANDLE_COUNT, hangBound, rssBounded, rssTitle, unixOnly, wineOnlySkip } from './helpers/platform.js'
import { libkqueueGap, onLibkqueue, testUnlessLibkqueueGap } from './helpers/libkqueue.js'
import { collectGarbage, fdCount, rssMiB, stressOr } from './helpers/resources.js'

/** The tests that count descriptors (handles on Windows): serial, and not under wine. */
const countsHandles = wineOnlySkip(NO_HANDLE_COUNT, { serial: true })

/** The same for tests that wait through pollAsync, which libkqueue's unpollable fd stops (gap 1). */
const countsHandlesPollAsync = onLibkqueue ? libkqueueGap(1, { serial: true }) : countsHandles
import { waitUntilInEpollWait } from './helpers/threads.js'
import { startWorker, type TestWorker } from './helpers/workers.js'

/** Wakes the Waker behind `handle` if it is still open (used to unblock a stuck worker). */
function wakeIfOpen(handle: WakerHandle | undefined): void {
  if (handle === undefined) return
  try {
    Waker.fromHandle(handle).wake()
  } catch {
    // Closed already: the worker is not blocked on it.
  }
}

/** How many epoll and eventfd descriptors this process has open. */
function selectorFds(): { eventpoll: number; eventfd: number } {
  return { eventpoll: fdsLinkedTo('anon_inode:[eventpoll]').size, eventfd: fdsLinkedTo('anon_inode:[eventfd]').size }
}

interface Blocked {
  worker: TestWorker
  handle: WakerHandle
  tid: number
}

/**
 * Terminates a worker (blocked in poll(…, null), or waiting in pollAsync) and returns how long terminate() took, in ms,
 * measured from just before the call to its resolution; or 'hung' if it had not resolved
 * after 2 s (then the worker is woken, so that it can end).
 */
async function terminateBlocked(blocked: Pick<Blocked, 'worker' | 'handle'>): Promise<number | 'hung'> {
  const start = performance.now()
  const terminated = blocked.worker.worker.terminate().then(() => performance.now() - start)
  const detector = new AbortController()
  const outcome = await Promise.race([
    terminated,
    delay(hangBound(2000), 'hung' as const, { signal: detector.signal }).catch(() => 0),
  ])
  detector.abort()
  if (outcome === 'hung') {
    wakeIfOpen(blocked.handle)
    await terminated
  }
  return outcome
}

countsHandles(rssTitle('workers blocked in poll(…, null) and terminated leak no file descriptors and no memory'), async (t) => {
  const total = stressOr(200, 24)
  const batch = 8
  // Worker threads grow glibc's malloc arenas up to 8 per CPU; until they are all there, RSS
  // grows without wakepoll (plain workers blocked in Atomics.wait show the same). Measured on
  // a 2-vCPU VM: with MALLOC_ARENA_MAX=2 (as test:stress sets) and 40 warm-up workers the
  // growth over 200 more stays within a few MiB; with the default allocator it wanders by 10+
  // MiB. So the 8 MiB limit holds with a tamed allocator; otherwise the limit only catches a
  // gross leak (over a MiB per worker).
  const warmup = stressOr(40, 8)
  const rssLimit = process.env['MALLOC_ARENA_MAX'] === undefined ? 32 : 8
  const durations: number[] = []
  let hung = 0
  let unconfirmed = 0

  /** Starts `size` workers at once, each blocked in its own Poll + Waker; terminates them. */
  const runBatch = async (size: number): Promise<void> => {
    const workers = Array.from({ length: size }, () => {
      let handle: WakerHandle | undefined
      const worker = startWorker(t, 'poll-until-woken', { token: 1, timeout: null }, { rescue: () => wakeIfOpen(handle) })
      return worker.nextMessage<{ handle: WakerHandle; tid: number }>().then((started) => {
        handle = started.handle
        return { worker, ...started }
      })
    })
    const blocked = await Promise.all(workers)
    for (const one of blocked) {
      if (!waitUntilInEpollWait(one.tid)) unconfirmed++
      const took = await terminateBlocked(one)
      if (took === 'hung') hung++
      else durations.push(took)
    }
  }

  for (let done = 0; done < warmup && hung === 0; done += batch) await runBatch(batch)
  await collectGarbage()
  const fdsBefore = fdCount()
  const selectorsBefore = selectorFds()
  const rssBefore = rssMiB()

  for (let done = 0; done < total && hung === 0; done += batch) await runBatch(Math.min(batch, total - done))
  await collectGarbage()
  const growth = rssMiB() - rssBefore

  t.is(hung, 0, 'terminate() of a worker blocked in poll(…, null) resolves (2 s hang detector)')
  if (unconfirmed > 0) t.log(`${unconfirmed} workers could not be seen inside epoll_wait before terminate()`)
  durations.sort((a, b) => a - b)
  const quantile = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0
  const median = quantile(0.5)
  t.log(
    `${durations.length} terminations: median ${median.toFixed(1)} ms, p90 ${quantile(0.9).toFixed(1)} ms, max ${quantile(1).toFixed(1)} ms; RSS growth ${growth.toFixed(1)} MiB`,
  )
  // "Well under 100 ms" (contract section 3) is a timing figure: it is measured by the
  // benchmarks, beside plain workers blocked in Atomics.wait, not asserted here, where a loaded
  // 2-vCPU machine decides it (plain workers took up to 170 ms to terminate too). What the test
  // asserts is what fails without the mechanism: no terminate() hangs (above).
  if (median >= 100) t.log(`note: median terminate() ${median.toFixed(1)} ms on this machine`)
  t.is(fdCount(), fdsBefore, 'file descriptors')
  t.deepEqual(selectorFds(), selectorsBefore, 'epoll and eventfd descriptors')
  if (rssBounded) t.true(growth < rssLimit, `RSS grew by ${growth.toFixed(1)} MiB over ${total} workers (limit ${rssLimit} MiB)`)
})

countsHandles(rssTitle('create / register / wake / poll / close cycles on the main thread leak no fds and no memory'), async (t) => {
  const cycles = stressOr(10_000, 2_000)
  const fifo = openFifo(t)
  const events = new Events(4)
  let wrong = 0

  const cycle = (): void => {
    const poll = new Poll()
    const waker = new Waker(poll.registry, 1)
    const registry = Registry.fromHandle(poll.registry.handle)
    registry.register(fifo.source, 2, Interest.READABLE)
    Waker.fromHandle(waker.handle).wake()
    const second = new Waker(registry, 3)
    if (poll.poll(events, 0) !== 1 || events.token(0) !== 1) wrong++
    second.close()
    poll.registry.deregister(fifo.source)
    poll.close()
  }

  for (let i = 0; i < 500; i++) cycle()
  await collectGarbage()
  const fdsBefore = fdCount()
  const rssBefore = rssMiB()

  for (let i = 0; i < cycles; i++) {
    cycle()
    if (i % 500 === 499) await collectGarbage(undefined, 1) // let finalizers keep up
  }
  await collectGarbage()
  const growth = rssMiB() - rssBefore

  t.is(wrong, 0, 'every cycle polled exactly its wake')
  t.is(fdCount(), fdsBefore, 'file descriptors')
  t.log(`RSS growth over ${cycles} cycles: ${growth.toFixed(2)} MiB`)
  if (rssBounded) t.true(growth < 5, `RSS grew by ${growth.toFixed(2)} MiB (limit 5 MiB)`)
})

countsHandlesPollAsync(rssTitle('pollAsync cycles (resolved by a wake, aborted, closed while pending, timed out) leak no fds and no memory'), async (t) => {
  const cycles = stressOr(10_000, 2_000)
  const failures: string[] = []

  const cycle = async (i: number): Promise<void> => {
    const poll = new Poll()
    const events = new Events(4)
    const waker = new Waker(poll.registry, 1)
    try {
      switch (i % 4) {
        case 0: {
          const pending = poll.pollAsync(events, null)
          waker.wake()
          if ((await pending) !== 1) failures.push(`cycle ${i}: no wake`)
          break
        }
        case 1: {
          const controller = new AbortController()
          const pending = poll.pollAsync(events, null, { signal: controller.signal })
          controller.abort()
          const err = await pending.then(
            () => undefined,
            (e: { name?: unknown }) => e,
          )
          if (err?.name !== 'AbortError') failures.push(`cycle ${i}: not aborted`)
          break
        }
        case 2: {
          const pending = poll.pollAsync(events, null)
          poll.close()
          const err = await pending.then(
            () => undefined,
            (e: { code?: unknown }) => e,
          )
          if (err?.code !== 'ERR_CLOSED') failures.push(`cycle ${i}: not ERR_CLOSED`)
          break
        }
        default: {
          // A timeout costs a millisecond: only every 40th cycle; the others resolve by a wake.
          if (i % 40 === 3) {
            if ((await poll.pollAsync(events, 0.5)) !== 0) failures.push(`cycle ${i}: timeout gave events`)
          } else {
            const pending = poll.pollAsync(events, 1000)
            waker.wake()
            if ((await pending) !== 1) failures.push(`cycle ${i}: no wake with a timeout`)
          }
        }
      }
    } finally {
      poll.close()
    }
  }

  for (let i = 0; i < 200; i++) await cycle(i)
  await collectGarbage()
  const fdsBefore = fdCount()
  const rssBefore = rssMiB()

  for (let i = 0; i < cycles; i++) {
    await cycle(i)
    if (i % 500 === 499) await collectGarbage(undefined, 1)
  }
  await collectGarbage()
  const growth = rssMiB() - rssBefore

  t.deepEqual(failures.slice(0, 10), [])
  t.is(fdCount(), fdsBefore, 'file descriptors')
  t.log(`RSS growth over ${cycles} cycles: ${growth.toFixed(2)} MiB`)
  if (rssBounded) t.true(growth < 5, `RSS grew by ${growth.toFixed(2)} MiB (limit 5 MiB)`)
})

countsHandles('Polls dropped without close() are freed by the garbage collector, with their Wakers', async (t) => {
  const fifo = openFifo(t)
  await collectGarbage()
  const fdsBefore = fdCount()
  const selectorsBefore = selectorFds()

  const refs = (() => {
    const made: WeakRef<Poll>[] = []
    for (let i = 0; i < 50; i++) {
      const poll = new Poll()
      if (i % 2 === 1) new Waker(poll.registry, i).wake() // a wake nobody collects
      if (i % 5 === 0) Registry.fromHandle(poll.registry.handle).register(fifo.source, i, Interest.READABLE)
      if (i % 7 === 0) poll.poll(new Events(2), 0)
      made.push(new WeakRef(poll))
    }
    return made
  })()
  const grown = selectorFds()
  t.is(grown.eventpoll - selectorsBefore.eventpoll, 50, 'one epoll fd per Poll was open')

  const collected = await collectGarbage(() => refs.every((ref) => ref.deref() === undefined), 20)
  t.true(collected, 'every Poll object was collected')
  await collectGarbage(undefined, 2) // finalizers
  t.deepEqual(selectorFds(), selectorsBefore, 'epoll and eventfd descriptors')
  t.is(fdCount(), fdsBefore, 'file descriptors')
})

unixOnly('Unix domain sockets and pipes', { serial: true })('sockets, pipe ends and WaitContexts dropped without close() are closed by the garbage collector', async (t) => {
  await collectGarbage()
  const fdsBefore = fdCount()
  const refs = (() => {
    const made: WeakRef<object>[] = []
    for (let i = 0; i < 30; i++) {
      const [a, b] = UnixStream.pair()
      const [tx, rx] = pipe()
      const listener = TcpListener.bind({ address: '127.0.0.1', port: 0 })
      const client = TcpStream.connect(listener.localAddress())
      for (const one of [a, b, tx, rx, listener, client, new WaitContext()]) made.push(new WeakRef(one))
      // Some are closed: those must not be released twice (their slots are reused at once).
      if (i % 3 === 0) b.close()
    }
    return made
  })()
  t.true(fdCount() >= fdsBefore + 30 * 6, 'the sockets were open')
  const collected = await collectGarbage(() => refs.every((ref) => ref.deref() === undefined), 20)
  t.true(collected, 'every object was collected')
  await collectGarbage(undefined, 2) // FinalizationRegistry callbacks
  t.is(fdCount(), fdsBefore, 'file descriptors')
  // The slots freed by collection are reused by new objects, which work.
  const [a, b] = UnixStream.pair()
  t.is(a.write(Buffer.from('x')), 1)
  t.is(b.read(Buffer.alloc(4)), 1)
  a.close()
  b.close()
})

countsHandlesPollAsync('a pending pollAsync keeps its unreachable Poll working through GC; afterwards GC frees it', async (t) => {
  await collectGarbage()
  const fdsBefore = fdCount()
  const events = new Events(4)

  const { pending, handle } = (() => {
    const poll = new Poll()
    const waker = new Waker(poll.registry, 5)
    return { pending: poll.pollAsync(events, null), handle: waker.handle }
  })()
  await collectGarbage()
  t.true(fdCount() > fdsBefore, 'the Poll is still open')

  Waker.fromHandle(handle).wake()
  t.is(await pending, 1)
  t.is(events.token(0), 5)

  await collectGarbage(undefined, 12)
  t.is(fdCount(), fdsBefore, 'once the wait ended, the dropped Poll was freed')
})

countsHandlesPollAsync('workers terminated while a pollAsync is pending in them leak no file descriptors', async (t) => {
  await collectGarbage()
  const fdsBefore = fdCount()
  const selectorsBefore = selectorFds()
  const workers = Array.from({ length: 8 }, () => {
    let handle: WakerHandle | undefined
    const worker = startWorker(t, 'poll-async-until-woken', { token: 1 }, { rescue: () => wakeIfOpen(handle) })
    return worker.nextMessage<{ handle: WakerHandle }>().then((started) => {
      handle = started.handle
      return { worker, handle }
    })
  })
  const started = await Promise.all(workers)
  const outcomes = []
  for (const one of started) {
    t.false(one.worker.done, 'the pending wait keeps the worker alive')
    outcomes.push(await terminateBlocked(one))
  }
  t.false(outcomes.includes('hung'), 'every terminate() resolved (2 s hang detector)')
  await collectGarbage()
  t.deepEqual(selectorFds(), selectorsBefore, 'epoll and eventfd descriptors')
  t.is(fdCount(), fdsBefore, 'file descriptors')
})
