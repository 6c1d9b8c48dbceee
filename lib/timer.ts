// Timer: crosvm's base::Timer — one-shot or periodic, waitable and pollable, across workers.
//
// The object holds only a key of the native table (src/slots.rs, src/timer.rs's TIMERS), shared
// by every object of this Timer in every worker: no native object per JavaScript object, so a
// thread that never returns to its event loop can make and close Timers without memory
// growing, and `close()` frees the native timer at once. Like a SyncEvent it lives until
// close(): garbage collection never ends a Timer (no FinalizationRegistry).

import { native, type Key } from './native.js'
import { abortError, invalidArgType, outOfRange } from './errors.js'
import { Events } from './events.js'
import { Interest } from './interest.js'
import { Poll, type PollAsyncOptions } from './poll.js'
import { kSource, type SourceOps, type WakepollSource } from './source.js'
import { exitStoppingThread, STOPPING } from './thread-stop.js'
import { validateHandle, validateSignalOptions, validateTimeout } from './validate.js'

// Symbol-keyed, not #private: objects from fromHandle() are made without the constructor.
const kKey = Symbol('wakepoll.key')
const kHidden = Symbol('wakepoll.hidden')

/** The opaque string of `timer.handle`. */
export type TimerHandle = string & { readonly __wakepoll: 'Timer' }

/**
 * A timer that fires once after a delay, or periodically (crosvm's `base::Timer`). It is the
 * clock of a thread that lives in `poll.poll(events, null)` and so never runs `setTimeout`:
 * register it with the Poll (or a WaitContext) and it reports readable when it has fired.
 *
 * `wait()` blocks until it fires and returns how many expirations there were since the last
 * wait (more than 1 when a periodic timer's waiter was late), consuming them; a Poll or
 * WaitContext reports it without consuming. Never early. Like a SyncEvent it lives until
 * `close()`, and `handle`/`Timer.fromHandle` share it with other workers; one waiter at a time
 * (a second gets `EBUSY`).
 */
export class Timer implements WakepollSource, Disposable {
  /** @internal */
  readonly [kKey]: Key
  /** @internal */
  [kHidden]: { poll: Poll; events: Events } | undefined

  /** A timer that is not armed. */
  constructor() {
    this[kKey] = native.timerNew()
    this[kHidden] = undefined
  }

  /** A live Timer for the same native timer as `handle`, in any worker of this process. */
  static fromHandle(handle: TimerHandle): Timer {
    validateHandle(handle)
    const timer = Object.create(Timer.prototype) as Timer
    return Object.assign(timer, { [kKey]: native.timerFromHandle(handle), [kHidden]: undefined })
  }

  /** Plain data (a string) naming this timer; it survives `postMessage` and `workerData`. */
  get handle(): TimerHandle {
    return native.timerHandle(this[kKey]) as TimerHandle
  }

  /** Whether it has been closed (in any worker). */
  get closed(): boolean {
    return native.timerClosed(this[kKey])
  }

  /**
   * Arms the timer: it fires `delay` ms from now, then every `interval` ms if given (and not
   * 0). Replaces an earlier arming and discards expirations not yet consumed. Fractions of a
   * millisecond round up: never early.
   */
  reset(delay: number, interval?: number): void {
    validateDelay(delay, 'delay')
    if (interval !== undefined) validateDelay(interval, 'interval')
    native.timerReset(this[kKey], delay, interval)
  }

  /** Disarms the timer and discards expirations not yet consumed. */
  clear(): void {
    native.timerClear(this[kKey])
  }

  /**
   * Blocks until the timer has fired; returns how many expirations there were (≥ 1) and
   * consumes them. A timer that is not armed blocks until another worker arms it (or closes
   * it: `ERR_CLOSED`). `worker.terminate()` still ends it.
   */
  wait(): number {
    return count(native.timerWait(this[kKey], null))
  }

  /** Like `wait`, giving up after `timeout` ms with 0; never early (fractions round up). */
  waitTimeout(timeout: number): number {
    const ms = validateTimeout(timeout)
    return count(native.timerWait(this[kKey], ms))
  }

  /**
   * Waits without blocking the thread (its event loop watches the timer), up to `timeout` ms
   * (`null`/`undefined`: no limit); resolves with the expirations consumed (0: timed out).
   * Rejects with an `AbortError` when `options.signal` aborts.
   */
  async waitAsync(timeout?: number | null, options?: PollAsyncOptions): Promise<number> {
    const ms = validateTimeout(timeout)
    const signal = validateSignalOptions(options)
    if (signal?.aborted) throw abortError(signal)
    const key = this[kKey]
    native.timerBeginWait(key)
    try {
      let fired = native.timerTryConsume(key)
      if (fired > 0 || ms === 0) return fired
      const hidden = (this[kHidden] ??= makeHidden(this))
      const deadline = ms === null ? null : performance.now() + ms
      for (;;) {
        const left = deadline === null ? null : Math.max(0, deadline - performance.now())
        await hidden.poll.pollAsync(hidden.events, left, signal ? { signal } : undefined)
        fired = native.timerTryConsume(key)
        if (fired > 0) return fired
        if (deadline !== null && performance.now() >= deadline) return 0
      }
    } finally {
      native.timerEndWait(key)
    }
  }

  /** Ends it for every worker; a thread waiting on it wakes with `ERR_CLOSED`. Idempotent. */
  close(): void {
    native.timerClose(this[kKey])
    this[kHidden]?.poll.close()
    this[kHidden] = undefined
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close()
  }

  /** @internal */
  get [kSource](): SourceOps {
    if (!isTimer(this)) throw invalidArgType('source', 'a Timer made by wakepoll', this)
    const key = this[kKey]
    return {
      register: (registrar, token, interest) => native.registryTimer(registrar, 0, key, token, interest),
      reregister: (registrar, token, interest) => native.registryTimer(registrar, 1, key, token, interest),
      deregister: (registrar) => native.registryTimer(registrar, 2, key, 0, 0),
    }
  }
}

/**
 * The descriptor that carries `timer` to another process (`sendWithFds`): its timerfd on
 * Linux; elsewhere `ENOTSUP` (a kqueue timer's fd is its kqueue's, which does not cross
 * processes).
 */
export function timerDescriptor(timer: Timer): number {
  return native.timerDescriptor(timer[kKey])
}

/** A real Timer (not merely an object with Timer.prototype). */
export function isTimer(value: unknown): value is Timer {
  return value instanceof Timer && typeof value[kKey] === 'number'
}

function count(result: number): number {
  if (result === STOPPING) exitStoppingThread()
  return result
}

/** A delay or period in ms: a finite number ≥ 0 (fractions round up natively). */
function validateDelay(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isFinite(value) || value < 0) throw outOfRange(name, 'a finite number >= 0', value)
}

/**
 * A Poll of the object's own that watches the timer's fd, for `waitAsync`. Where a timer has no
 * fd (Windows: a waitable timer) the Poll registers the Timer itself, so there `waitAsync` and a
 * registration of the same Timer with another Poll exclude each other (`EEXIST`).
 */
function makeHidden(timer: Timer): { poll: Poll; events: Events } {
  const poll = new Poll()
  try {
    let fd: number | undefined
    try {
      fd = native.timerFd(timer[kKey])
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOTSUP') throw err
    }
    poll.registry.register(fd ?? timer, 0, Interest.READABLE)
  } catch (err) {
    poll.close()
    throw err
  }
  return { poll, events: new Events(1) }
}
