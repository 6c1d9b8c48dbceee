// pollAsync keeps one libuv handle per Poll across waits (issue #14, src/poll_watch.rs): what
// that must not change. A pending wait keeps the process alive and an idle Poll does not, after
// any number of waits; a blocking poll and pollAsync alternate on one Poll (libuv's epoll and
// the Poll's may never contain each other); close(), collection and a worker's end (by itself
// or terminated) close every handle, and descriptors come back.
//
// On Linux (epoll) the tests also look at who watches whom, through /proc/self/fdinfo: an epoll
// fd lists the fds it watches as `tfd:` lines.
//
// Under the waiter thread (WAKEPOLL_POLL_ASYNC_THREAD=1, Windows' path) and without libuv
// (WAKEPOLL_NO_LIBUV=1) there is no such handle: the fdinfo checks are skipped there, the rest
// runs.

import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises'

import test, { type ExecutionContext } from 'ava'

import { Events, Poll, Waker, type WakerHandle } from '../index.ts'
import { closed } from './helpers/expect.js'
import { fdsLinkedTo } from './helpers/fds.js'
import { startChildScript } from './helpers/child.js'
import { libkqueueGap, onLibkqueue, testUnlessLibkqueueGap } from './helpers/libkqueue.js'
import { hangBound, NO_HANDLE_COUNT, onEmulator, onEpoll, onWine, wineOnlySkip } from './helpers/platform.js'
import { collectGarbage, fdCount } from './helpers/resources.js'
import { startScenario } from './helpers/workers.js'
import type { ReuseData, ReuseMessage } from './helpers/poll-async-reuse-worker.js'

/** Whether libuv watches the selector itself (the path poll_watch.rs serves). */
const uvPoll =
  onEpoll && process.env['WAKEPOLL_POLL_ASYNC_THREAD'] !== '1' && process.env['WAKEPOLL_NO_LIBUV'] !== '1'

/** Tests that wait through pollAsync (libkqueue's selector cannot be watched: gap 1). */
const waitsAsync = testUnlessLibkqueueGap(1)
/** The same, counting the process's descriptors: serial, and not under wine. */
const countsHandles = onLibkqueue ? libkqueueGap(1, { serial: true }) : wineOnlySkip(NO_HANDLE_COUNT, { serial: true })
/** Tests that read epoll's fdinfo. */
const fdinfoTest = uvPoll ? test.serial : test.skip

const EVENTPOLL = 'anon_inode:[eventpoll]'

/** The fds that the epoll instance `epfd` watches. */
function watchedBy(epfd: number): Set<number> {
  const info = fs.readFileSync(`/proc/self/fdinfo/${epfd}`, 'utf8')
  return new Set([...info.matchAll(/^tfd:\s*(\d+)/gm)].map((m) => Number(m[1])))
}

/** A new Poll and its epoll fd (the eventpoll fd that appeared with it). */
function pollWithFd(t: ExecutionContext): { poll: Poll; fd: number } {
  const before = fdsLinkedTo(EVENTPOLL)
  const poll = new Poll()
  t.teardown(() => poll.close())
  const fresh = [...fdsLinkedTo(EVENTPOLL)].filter((fd) => !before.has(fd))
  if (fresh.length !== 1) throw new Error(`expected one new epoll fd, found ${fresh.length}`)
  return { poll, fd: fresh[0]! }
}

/** Who watches whom: whether another epoll (libuv's loop) watches `fd`, and `fd` another epoll. */
function watching(fd: number): { loopWatchesPoll: boolean; pollWatchesLoop: boolean } {
  const others = [...fdsLinkedTo(EVENTPOLL)].filter((other) => other !== fd)
  const mine = watchedBy(fd)
  return {
    loopWatchesPoll: others.some((other) => watchedBy(other).has(fd)),
    pollWatchesLoop: others.some((other) => mine.has(other)),
  }
}

/** Two turns of the event loop: the second starts after a whole poll phase of libuv's. */
async function fullTurn(): Promise<void> {
  await nextTurn()
  await nextTurn()
}

fdinfoTest('the loop keeps watching the selector between waits; a blocking poll swaps that for the loop fd, the next pollAsync swaps back; never both', async (t) => {
  const { poll, fd } = pollWithFd(t)
  const waker = new Waker(poll.registry, 3)
  const events = new Events(4)
  t.deepEqual(watching(fd), { loopWatchesPoll: false, pollWatchesLoop: false }, 'a new Poll')

  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5; i++) {
      waker.wake()
      t.is(await poll.pollAsync(events, null), 1)
      t.is(events.token(0), 3)
      t.deepEqual(watching(fd), { loopWatchesPoll: true, pollWatchesLoop: false }, `after wait ${i} of round ${round}`)
    }
    waker.wake()
    t.is(poll.poll(events, 10_000), 1, 'a blocking poll (it watches the loop fd) after pollAsync')
    t.deepEqual(watching(fd), { loopWatchesPoll: false, pollWatchesLoop: true }, `after the blocking poll of round ${round}`)
  }
  waker.wake()
  t.is(await poll.pollAsync(events, null), 1, 'pollAsync after a blocking poll')
  t.deepEqual(watching(fd), { loopWatchesPoll: true, pollWatchesLoop: false })

  poll.close()
  t.false(fdsLinkedTo(EVENTPOLL).has(fd), 'close() closed the selector')
})

fdinfoTest('a wake with no wait pending stops the handle (the loop does not spin on it); the next pollAsync reports it', async (t) => {
  const { poll, fd } = pollWithFd(t)
  const waker = new Waker(poll.registry, 4)
  const events = new Events(4)
  waker.wake()
  t.is(await poll.pollAsync(events, null), 1)
  t.true(watching(fd).loopWatchesPoll, 'kept after the wait')

  waker.wake()
  await fullTurn() // libuv reports the readable selector to the handle, which serves no wait
  t.false(watching(fd).loopWatchesPoll, 'stopped: no one would collect what libuv reports')

  t.is(await poll.pollAsync(events, null), 1, 'the wake made while idle is not lost')
  t.is(events.token(0), 4)
  t.true(watching(fd).loopWatchesPoll, 'started again')
})

waitsAsync('pollAsync and blocking polls alternate on one Poll; close() while a reused handle waits rejects ERR_CLOSED', async (t) => {
  const poll = new Poll()
  const waker = new Waker(poll.registry, 9)
  const events = new Events(4)
  for (let i = 0; i < 20; i++) {
    waker.wake()
    t.is(await poll.pollAsync(events, null), 1)
    waker.wake()
    t.is(poll.poll(events, 10_000), 1)
    t.is(events.token(0), 9)
  }
  const pending = poll.pollAsync(events, null)
  poll.close()
  await t.throwsAsync(pending, closed)
  await t.throwsAsync(poll.pollAsync(events, null), closed)
})

waitsAsync('a timed-out and an aborted wait leave the handle to the next wait, which resolves', async (t) => {
  const poll = new Poll()
  t.teardown(() => poll.close())
  const waker = new Waker(poll.registry, 2)
  const events = new Events(4)
  t.is(await poll.pollAsync(events, 1), 0, 'timed out')
  const controller = new AbortController()
  const aborted = poll.pollAsync(events, null, { signal: controller.signal })
  controller.abort()
  await t.throwsAsync(aborted, { name: 'AbortError', code: 'ABORT_ERR' })
  waker.wake()
  t.is(await poll.pollAsync(events, null), 1)
  t.is(events.token(0), 2)
})

countsHandles('10,000 sequential waits on one Poll and 64 Polls with a handle each: descriptors stay flat and come back at close', async (t) => {
  await collectGarbage()
  const before = fdCount()
  const poll = new Poll()
  const waker = new Waker(poll.registry, 1)
  const events = new Events(4)
  waker.wake()
  t.is(await poll.pollAsync(events, null), 1)
  const afterFirst = fdCount()
  let wrong = 0
  for (let i = 0; i < 10_000; i++) {
    waker.wake()
    if ((await poll.pollAsync(events, null)) !== 1) wrong++
  }
  t.is(wrong, 0)
  t.is(fdCount(), afterFirst, 'no descriptor per wait')

  const polls = Array.from({ length: 64 }, (_, i) => {
    const p = new Poll()
    return { p, w: new Waker(p.registry, i + 1) }
  })
  for (const { p, w } of polls) {
    w.wake()
    if ((await p.pollAsync(events, null)) !== 1) wrong++
  }
  t.is(wrong, 0)
  for (const { p } of polls) p.close()
  poll.close()
  await fullTurn() // the handles' close callbacks
  t.is(fdCount(), before, 'descriptors back after close()')
})

countsHandles('Polls dropped without close() after pollAsync waits are freed by the garbage collector', async (t) => {
  await collectGarbage()
  const before = fdCount()
  const refs = await (async () => {
    const made: WeakRef<Poll>[] = []
    const events = new Events(4)
    for (let i = 0; i < 16; i++) {
      const poll = new Poll()
      const waker = new Waker(poll.registry, 1)
      for (let w = 0; w < 3; w++) {
        waker.wake()
        await poll.pollAsync(events, null)
      }
      made.push(new WeakRef(poll))
    }
    return made
  })()
  t.true(fdCount() > before, 'the Polls were open')
  t.true(await collectGarbage(() => refs.every((ref) => ref.deref() === undefined), 20), 'every Poll was collected')
  await collectGarbage(undefined, 2) // FinalizationRegistry callbacks, then the handles' close callbacks
  t.is(fdCount(), before, 'descriptors')
})

/** Starts the reuse scenario in a worker (helpers/poll-async-reuse-worker.ts). */
function startReuse(t: ExecutionContext, data: ReuseData, rescue?: () => WakerHandle | undefined) {
  return startScenario(t, new URL('./helpers/poll-async-reuse-worker.ts', import.meta.url).href, 'reuse', data, {
    rescue: () => {
      const handle = rescue?.()
      if (handle !== undefined) Waker.fromHandle(handle).wake()
    },
  })
}

countsHandles('a worker that ends by itself with 16 open Polls that waited closes their handles; one terminated in a pending wait too', async (t) => {
  await collectGarbage()
  const before = fdCount()
  const ending = startReuse(t, { polls: 16, waits: 20, pending: false })
  t.is((await ending.nextMessage<ReuseMessage>()).wrong, 0)
  t.is(await ending.exited, 0, 'the idle Polls did not keep the worker alive')

  let handle: WakerHandle | undefined
  const terminated = startReuse(t, { polls: 16, waits: 20, pending: true }, () => handle)
  const message = await terminated.nextMessage<ReuseMessage>()
  handle = message.handle
  t.is(message.wrong, 0)
  await terminated.worker.terminate()
  t.is(await terminated.exited, 1)
  await collectGarbage()
  t.is(fdCount(), before, 'descriptors back')
})

/** How long a child may take to exit before it counts as kept alive: only detects a hang (wine and qemu-user start a child many times slower). */
const CHILD_EXIT_BOUND = onWine || onEmulator ? 90_000 : hangBound(10_000)
const childScript = fileURLToPath(new URL('./helpers/poll-async-reuse-child.ts', import.meta.url))

async function exitsWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'hung'> {
  const detector = new AbortController()
  const outcome = await Promise.race([promise, delay(ms, 'hung' as const, { signal: detector.signal })])
  detector.abort()
  return outcome
}

waitsAsync('after 1,000 waits, a blocking poll and a wake nobody collected, open idle Polls let the process exit', async (t) => {
  const child = startChildScript(t, childScript, ['idle'])
  const exited = await exitsWithin(child.exited, CHILD_EXIT_BOUND)
  if (exited === 'hung') child.kill()
  t.deepEqual(exited, { code: 0, signal: null }, `lines ${JSON.stringify(child.lines)}; stderr: ${child.stderr()}`)
  t.deepEqual(child.lines, ['done 0', 'beforeExit'])
})

waitsAsync('after 100 waits, a pending pollAsync still keeps the process alive until a wake ends it; then it exits', async (t) => {
  const child = startChildScript(t, childScript, ['pending'])
  const first = await child.nextLine().catch((err: Error) => err.message)
  t.is(first, 'pending', `stderr: ${child.stderr()}`)
  if (first !== 'pending') return
  child.writeLine('wake')
  t.is(await child.nextLine(), 'resolved 1 7 wrong 0')
  const exited = await exitsWithin(child.exited, CHILD_EXIT_BOUND)
  if (exited === 'hung') child.kill()
  t.deepEqual(exited, { code: 0, signal: null }, child.stderr())
  t.deepEqual(child.lines, ['pending', 'resolved 1 7 wrong 0', 'beforeExit'])
})
