// Cross-thread coordination for the AtomicWaker / SyncEvent / WaitContext tests, usable on both
// sides (main thread and workers).
//
// Ordering goes through Int32 cells of a SharedArrayBuffer (Atomics) or messages, never through
// sleeps. On Linux one extra check is available: whether a thread is blocked in the kernel in
// epoll_wait/poll right now (/proc/self/task/<tid>/wchan), used to make sure that a second
// waiter really arrives *while* the first one blocks.

import fs from 'node:fs'

import { canSeeBlockedThreads } from './threads.ts'

/** The cells of a `Flags` buffer; each test uses the ones it needs. */
export const Cell = {
  /** Main's acknowledgement / round counter: workers wait for it. */
  MAIN: 0,
  /** Progress of the worker(s): incremented (Atomics.add) or set by them. */
  WORKER: 1,
  /** Set by main to end a worker's loop (test finished or failed). */
  STOP: 2,
  /** Set by main once its wait is in progress ("go"). */
  GO: 3,
  /** Set by a worker to 1 if it saw the other thread blocked in the kernel, 2 if it gave up. */
  CONFIRMED: 4,
  /** Set by main when a watchdog is no longer needed. */
  DONE: 5,
} as const

export type CellName = keyof typeof Cell

/** Int32 cells in a SharedArrayBuffer, shared with workers through `workerData`. */
export class Flags {
  readonly buffer: SharedArrayBuffer
  readonly cells: Int32Array

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer
    this.cells = new Int32Array(buffer)
  }

  get(cell: CellName): number {
    return Atomics.load(this.cells, Cell[cell])
  }

  set(cell: CellName, value: number): void {
    Atomics.store(this.cells, Cell[cell], value)
    Atomics.notify(this.cells, Cell[cell])
  }

  /** Adds `n` and wakes whoever waits on the cell; returns the new value. */
  add(cell: CellName, n = 1): number {
    const value = Atomics.add(this.cells, Cell[cell], n) + n
    Atomics.notify(this.cells, Cell[cell])
    return value
  }

  /**
   * Blocks this thread until `cell` holds at least `min`, or until STOP is set (then returns
   * false). Only for threads whose event loop nobody needs meanwhile (workers, or main while a
   * worker does the work). `maxMs` bounds the whole wait (then returns false): a hang detector.
   */
  waitAtLeast(cell: CellName, min: number, maxMs = Infinity): boolean {
    const deadline = performance.now() + maxMs
    for (;;) {
      const value = Atomics.load(this.cells, Cell[cell])
      if (value >= min) return true
      if (Atomics.load(this.cells, Cell.STOP) !== 0) return false
      const left = deadline - performance.now()
      if (left <= 0) return false
      // Wakes on a change of `cell`; STOP is looked at again at least every 50 ms.
      Atomics.wait(this.cells, Cell[cell], value, Math.min(left, 50))
    }
  }
}

export { canSeeBlockedThreads, currentTid } from './threads.ts'

/** What thread `tid` of this process is blocked in ('' if it runs or cannot be read). */
export function wchanOf(tid: number): string {
  try {
    const wchan = fs.readFileSync(`/proc/self/task/${tid}/wchan`, 'utf8').trim()
    return wchan === '0' ? '' : wchan
  } catch {
    return ''
  }
}

/** Whether thread `tid` is blocked in epoll_wait / poll right now. */
export function isBlockedInPoll(tid: number): boolean {
  return /poll/.test(wchanOf(tid))
}

const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * Waits (blocking this thread, checking every millisecond) until `condition()` holds; false if
 * it did not within `maxMs`.
 */
export function waitUntil(condition: () => boolean, maxMs = 2000): boolean {
  const deadline = performance.now() + maxMs
  while (performance.now() < deadline) {
    if (condition()) return true
    Atomics.wait(pause, 0, 0, 1)
  }
  return condition()
}

/**
 * Waits until thread `tid` is blocked in epoll_wait/poll. Only meaningful once `tid` cannot be
 * in any other such wait (e.g. it said it is about to block, without returning to its loop).
 */
export function waitUntilBlockedInPoll(tid: number, maxMs = 2000): boolean {
  if (!canSeeBlockedThreads) return false
  return waitUntil(() => isBlockedInPoll(tid), maxMs)
}

/** The `code` of what `action` throws, or 'ok'. */
export function codeOf(action: () => unknown): string {
  try {
    action()
    return 'ok'
  } catch (err) {
    return String((err as { code?: unknown }).code)
  }
}
