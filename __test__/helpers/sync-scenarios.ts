// The worker side of atomic-waker.test.ts, sync-event.test.ts and wait-context.test.ts (and of
// the child processes of sync-child.ts).
//
// Started through scripts/ts-worker.mjs with `workerData = { entry, scenario, ...data }`.
// Native objects do not survive postMessage, so every scenario gets handles (strings) and makes
// its own objects with `fromHandle`. Ordering with the main thread goes through a `Flags`
// buffer (Atomics) or messages, never through sleeps.

import fs from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'

import { AtomicWaker, SyncEvent, WaitContext, type AtomicWakerHandle, type SyncEventHandle } from '../../index.ts'
import { Flags, codeOf, currentTid, waitUntilBlockedInPoll } from './sync-threads.js'

/** The data each scenario receives (besides `entry` and `scenario`). */
export interface SyncScenarioData {
  /** Wakes the AtomicWaker behind `waker` through its own object, posts 'woke', and ends. */
  'aw-wake': { waker: AtomicWakerHandle }
  /**
   * Posts 'ready', then for r = 1 … rounds: waits until main set MAIN ≥ r (main registered and acknowledged), sets
   * WORKER = r, then wakes. Posts `{ rounds }` (completed). STOP ends it early.
   */
  'aw-wake-rounds': { waker: AtomicWakerHandle; rounds: number; flags: SharedArrayBuffer }
  /** Posts 'ready'; once GO is set, wakes in a tight loop until STOP; posts `{ wakes }`. */
  'aw-wake-until-stop': { waker: AtomicWakerHandle; flags: SharedArrayBuffer }
  /**
   * Registers on the AtomicWaker behind `waker` and lets its script end: only the pending
   * registration keeps the worker alive. Posts 'registered' from an unref'd timer (so only if
   * the registration keeps the loop alive), then 'woken' or `{ error: code }` when the
   * registration settles, and ends by itself.
   */
  'aw-register': { waker: AtomicWakerHandle }
  /** Reads fd 0 (the process's stdin) until a newline, then wakes `waker` (for sync-child.ts). */
  'aw-wake-on-stdin-line': { waker: AtomicWakerHandle }
  /**
   * Posts 'ready', waits until main set MAIN ≥ `round`; if `confirmTid` is given, waits until that thread
   * blocks in epoll_wait (CONFIRMED = 1, or 2 if that could not be seen); then signals the
   * SyncEvent behind `event`, adds 1 to WORKER and posts 'signalled'. STOP ends it early.
   */
  'se-signal-after': { event: SyncEventHandle; flags: SharedArrayBuffer; round: number; confirmTid: number | null }
  /**
   * Waits on the SyncEvent behind `event` (on a `tryClone()` of it if `clone`): `wait()` when
   * `timeout` is null, else `waitTimeout(timeout)`. Posts `{ tid }` just before, then
   * `{ result }` or `{ error: code }`. An EBUSY on entry (main probing whether the worker waits
   * yet) is retried.
   */
  'se-wait': { event: SyncEventHandle; clone: boolean; timeout: number | null }
  /**
   * Posts `{ tid }`, blocks in `wait()` on the SyncEvent behind `event` (or in `wait()` of a
   * WaitContext holding it, if `context`), and right after it returns posts 'returned'
   * (calling postMessage directly, with nothing in between: a terminated wait must not let even
   * that run).
   */
  'se-wait-then-post': { event: SyncEventHandle; context: boolean }
  /**
   * For each handle in turn: posts `{ tid, index }`, blocks in `wait()` on it, then posts
   * `{ index, result }` or `{ index, error: code }`.
   */
  'se-wait-each': { events: SyncEventHandle[] }
  /**
   * Tries `waitTimeout(0)` on the SyncEvent behind `event` (on a `tryClone()` if `clone`) without
   * retrying; posts `{ result }` or `{ error: code }`.
   */
  'se-try-wait': { event: SyncEventHandle; clone: boolean }
  /**
   * Closes the SyncEvent behind `event` through its own object (from `fromHandle`); posts
   * `{ close: code or 'ok', closed }`.
   */
  'se-close': { event: SyncEventHandle }
  /**
   * A hang detector for a main thread that blocks: posts 'armed', then unless main sets DONE
   * within `ms`, signals
   * the SyncEvent behind `event` (so that main's wait returns and the test fails instead of
   * hanging), sets WORKER = 1 and posts 'fired'; otherwise posts 'idle'.
   */
  watchdog: { event: SyncEventHandle; flags: SharedArrayBuffer; ms: number }
}

export type SyncScenarioName = keyof SyncScenarioData

/** What `se-wait` posts when its wait ended. */
export interface WaitOutcome {
  result?: string
  error?: string
}

function post(message: unknown): void {
  parentPort!.postMessage(message)
}

const pause = new Int32Array(new SharedArrayBuffer(4))

/** One wait (`wait()` if `timeout` is null); an EBUSY on entry is retried. */
function waitOnce(event: SyncEvent, timeout: number | null): WaitOutcome {
  for (;;) {
    try {
      if (timeout === null) {
        event.wait()
        return { result: 'signaled' }
      }
      return { result: event.waitTimeout(timeout) }
    } catch (err) {
      const code = String((err as { code?: unknown }).code)
      if (code !== 'EBUSY') return { error: code }
      Atomics.wait(pause, 0, 0, 1)
    }
  }
}

const scenarios: { [K in SyncScenarioName]: (data: SyncScenarioData[K]) => void } = {
  'aw-wake'(data) {
    AtomicWaker.fromHandle(data.waker).wake()
    post('woke')
  },

  'aw-wake-rounds'(data) {
    const flags = new Flags(data.flags)
    const waker = AtomicWaker.fromHandle(data.waker)
    post('ready')
    let completed = 0
    for (let round = 1; round <= data.rounds; round++) {
      if (!flags.waitAtLeast('MAIN', round)) break
      flags.set('WORKER', round)
      waker.wake()
      completed = round
    }
    post({ rounds: completed })
  },

  'aw-wake-until-stop'(data) {
    const flags = new Flags(data.flags)
    const waker = AtomicWaker.fromHandle(data.waker)
    post('ready')
    let wakes = 0
    if (flags.waitAtLeast('GO', 1)) {
      while (flags.get('STOP') === 0) {
        waker.wake()
        wakes++
      }
    }
    post({ wakes })
  },

  'aw-register'(data) {
    const waker = AtomicWaker.fromHandle(data.waker)
    waker.register().then(
      () => post('woken'),
      (err: unknown) => post({ error: String((err as { code?: unknown }).code) }),
    )
    setTimeout(() => post('registered'), 1).unref()
  },

  'aw-wake-on-stdin-line'(data) {
    const waker = AtomicWaker.fromHandle(data.waker)
    const buf = Buffer.alloc(256)
    const pause = new Int32Array(new SharedArrayBuffer(4))
    let text = ''
    while (!text.includes('\n')) {
      let n: number
      try {
        n = fs.readSync(0, buf, 0, buf.length, null)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
        Atomics.wait(pause, 0, 0, 1) // stdin may be non-blocking: look again shortly
        continue
      }
      if (n === 0) throw new Error(`stdin ended before a line arrived (got ${JSON.stringify(text)})`)
      text += buf.toString('utf8', 0, n)
    }
    waker.wake()
  },

  'se-signal-after'(data) {
    const flags = new Flags(data.flags)
    const event = SyncEvent.fromHandle(data.event)
    post('ready')
    if (!flags.waitAtLeast('MAIN', data.round)) return
    if (data.confirmTid !== null) flags.set('CONFIRMED', waitUntilBlockedInPoll(data.confirmTid) ? 1 : 2)
    event.signal()
    // Counted after the signal: "WORKER ≥ n" means n signals were made. A waiter woken by the
    // signal may look before this line runs, so it waits for the count (waitAtLeast).
    flags.add('WORKER')
    post('signalled')
  },

  'se-wait'(data) {
    const shared = SyncEvent.fromHandle(data.event)
    const event = data.clone ? shared.tryClone() : shared
    post({ tid: currentTid() })
    post(waitOnce(event, data.timeout))
  },

  'se-wait-then-post'(data) {
    const event = SyncEvent.fromHandle(data.event)
    const context = data.context ? new WaitContext() : undefined
    context?.add(event, 1)
    post({ tid: currentTid() })
    if (context) {
      context.wait()
      parentPort!.postMessage('returned')
    } else {
      event.wait()
      parentPort!.postMessage('returned')
    }
  },

  'se-wait-each'(data) {
    data.events.forEach((handle, index) => {
      const event = SyncEvent.fromHandle(handle)
      post({ tid: currentTid(), index })
      post({ index, ...waitOnce(event, null) })
    })
  },

  'se-try-wait'(data) {
    const shared = SyncEvent.fromHandle(data.event)
    const event = data.clone ? shared.tryClone() : shared
    try {
      post({ result: event.waitTimeout(0) })
    } catch (err) {
      post({ error: String((err as { code?: unknown }).code) })
    }
  },

  'se-close'(data) {
    const event = SyncEvent.fromHandle(data.event)
    const close = codeOf(() => event.close())
    post({ close, closed: event.closed })
  },

  watchdog(data) {
    const flags = new Flags(data.flags)
    post('armed')
    if (flags.waitAtLeast('DONE', 1, data.ms) || flags.get('STOP') !== 0) {
      post('idle')
      return
    }
    flags.set('WORKER', 1)
    codeOf(() => SyncEvent.fromHandle(data.event).signal())
    post('fired')
  },
}

const { scenario, ...data } = workerData as { scenario: SyncScenarioName } & Record<string, unknown>
const run = scenarios[scenario] as ((data: unknown) => void) | undefined
if (run === undefined) throw new Error(`unknown worker scenario ${JSON.stringify(scenario)}`)
run(data)
