// Cross-thread coordination for the worker tests, usable on both sides.
//
// Ordering between threads goes through a SharedArrayBuffer (Atomics) or messages, never
// through sleeps. One extra check is available on Linux: whether a given thread is blocked
// inside epoll_wait right now (/proc/self/task/<tid>/wchan). The tests use it to make sure
// that a wake or a registration really happens *while* the other thread blocks in `poll`, not
// before it; where the kernel hides wchan, the tests still pass (a wake or registration made
// before the poll must work too) and log that the stronger ordering was not confirmed.

import fs from 'node:fs'

/** Indexes into a `Signals` buffer; each test uses the ones it needs. */
export const Slot = {
  /** Set by the main thread just before it blocks in poll. */
  MAIN_POLLING: 0,
  /** Set by a worker once it saw the main thread blocked in epoll_wait (1) or gave up (2). */
  CONFIRMED: 1,
  /** Rounds completed, counted by each side of a ping-pong. */
  MAIN_ROUNDS: 2,
  WORKER_ROUNDS: 3,
  /** Set by the main thread to tell a worker to stop early (test failed or finished). */
  STOP: 4,
  /** Set by the main thread once it closed the Poll. */
  POLL_CLOSED: 5,
} as const

export type SlotName = keyof typeof Slot

/** Int32 flags in a SharedArrayBuffer, shared with workers through `workerData`. */
export class Signals {
  readonly buffer: SharedArrayBuffer
  readonly #cells: Int32Array

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(16 * Int32Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer
    this.#cells = new Int32Array(buffer)
  }

  get(slot: SlotName): number {
    return Atomics.load(this.#cells, Slot[slot])
  }

  set(slot: SlotName, value: number): void {
    Atomics.store(this.#cells, Slot[slot], value)
    Atomics.notify(this.#cells, Slot[slot])
  }

  /**
   * Blocks this thread until `slot` holds something other than `notValue`; returns the value.
   * Only for threads whose event loop nobody waits on (workers, or main while a worker runs).
   */
  waitWhile(slot: SlotName, notValue: number): number {
    for (;;) {
      Atomics.wait(this.#cells, Slot[slot], notValue)
      const value = Atomics.load(this.#cells, Slot[slot])
      if (value !== notValue) return value
    }
  }
}

/**
 * Whether this system shows threads' wait channels (Linux's /proc). Elsewhere (macOS, FreeBSD)
 * the helpers that look for a blocked thread say "could not see it" at once, and the tests go
 * on without that extra ordering, as they already do when it is not seen in time.
 */
export const canSeeBlockedThreads = fs.existsSync('/proc/thread-self')

/** The kernel thread id of the calling thread (main thread or worker); -1 without /proc. */
export function currentTid(): number {
  if (!canSeeBlockedThreads) return -1
  // /proc/thread-self -> "<pid>/task/<tid>"
  const link = fs.readlinkSync('/proc/thread-self')
  const tid = Number(link.split('/').pop())
  if (!Number.isInteger(tid)) throw new Error(`unexpected /proc/thread-self link: ${link}`)
  return tid
}

const pause = new Int32Array(new SharedArrayBuffer(4))

/** Whether thread `tid` of this process is blocked in epoll_wait right now. */
export function isInEpollWait(tid: number): boolean {
  try {
    return fs.readFileSync(`/proc/self/task/${tid}/wchan`, 'utf8').includes('epoll_wait')
  } catch {
    return false
  }
}

/**
 * Waits (blocking this thread, checking every millisecond) until thread `tid` is blocked in
 * epoll_wait. Returns false if that could not be seen within `maxMs` — the caller goes on
 * anyway: this strengthens a test's ordering, it is not what the test asserts.
 *
 * Only meaningful once `tid` cannot be in any other epoll_wait (e.g. not idle in its own event
 * loop): the tests call it after the thread said it is about to call `poll`.
 */
export function waitUntilInEpollWait(tid: number, maxMs = 2000): boolean {
  if (!canSeeBlockedThreads) return false
  return waitUntil(() => isInEpollWait(tid), maxMs)
}

/** Whether signal number `signo` is pending for the whole process (not yet taken by a thread). */
export function isSignalPending(signo: number): boolean {
  if (!canSeeBlockedThreads) return false
  const status = fs.readFileSync('/proc/self/status', 'utf8')
  const mask = /^ShdPnd:\s*([0-9a-f]+)$/m.exec(status)?.[1]
  if (mask === undefined) return false
  return (BigInt(`0x${mask}`) & (1n << BigInt(signo - 1))) !== 0n
}

/**
 * Waits (blocking, checking every millisecond) until `condition()` holds; returns false if it
 * did not within `maxMs`. Like waitUntilInEpollWait, for ordering that strengthens a test.
 */
export function waitUntil(condition: () => boolean, maxMs = 2000): boolean {
  const deadline = performance.now() + maxMs
  while (performance.now() < deadline) {
    if (condition()) return true
    Atomics.wait(pause, 0, 0, 1)
  }
  return false
}
