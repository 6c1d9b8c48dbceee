// Poll: owns one OS selector and waits on it.

import { native, type Key } from './native.js'
import { abortError, invalidArgType } from './errors.js'
import { Events, kFlags, kSetLength, kTokens } from './events.js'
import { newRegistry, type Registry } from './registry.js'
import { exitStoppingThread, STOPPING } from './thread-stop.js'
import { Unclosed, type Cell } from './unclosed.js'
import { validateSignalOptions, validateTimeout } from './validate.js'

/** Options of `pollAsync` and `watch`. */
export interface PollAsyncOptions {
  /** Aborting rejects the pending wait with an `AbortError` whose `cause` is the reason. */
  signal?: AbortSignal
}

// setTimeout's largest delay; beyond it Node fires at once, so longer waits wait forever.
const MAX_TIMER_MS = 0x7fff_ffff

// A Poll is a key of the native Poll table (src/slots.rs), nothing native of its own: close()
// frees everything at once, with no finalizer left waiting for the event loop (which a thread
// in `for (;;) poll.poll(events, null)` never turns). One dropped without close() is freed when
// it is collected (lib/unclosed.ts); a worker that ends frees its Polls natively (src/lib.rs's
// teardown).
const unclosed = new Unclosed((key) => native.pollRelease(key))

/**
 * Waits for readiness events on the sources registered through `poll.registry`.
 *
 * One wait at a time per Poll: a `poll` or `pollAsync` while another is in progress fails with
 * a system error of code `EBUSY`. `close()` is idempotent; a wait in progress ends with
 * `ERR_CLOSED`, and afterwards every use of the Poll, its Registry (in any worker) and its
 * Wakers throws `ERR_CLOSED`.
 */
export class Poll implements Disposable {
  readonly #key: Key
  readonly #cell: Cell
  readonly #registry: Registry

  /**
   * A new selector (epoll on Linux, kqueue on macOS and FreeBSD, an I/O completion port on
   * Windows), with its {@link Registry} at `poll.registry`.
   * @example
   * ```ts
   * using poll = new Poll()
   * const events = new Events(64)
   * poll.registry.register(listener, 1, Interest.READABLE)
   * for (;;) {
   *   poll.poll(events, null)
   *   for (let i = 0; i < events.length; i++) onEvent(events.token(i))
   * }
   * ```
   */
  constructor() {
    this.#key = native.pollNew()
    this.#cell = unclosed.track(this, this.#key)
    this.#registry = newRegistry(this.#key, this)
  }

  /** The Registry of this Poll. */
  get registry(): Registry {
    return this.#registry
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return native.pollClosed(this.#key)
  }

  /**
   * Clears `events`, blocks until at least one event is ready or `timeout` milliseconds pass,
   * fills at most `events.capacity` events and returns how many.
   *
   * `timeout`: `null`/`undefined` waits forever; `0` does not block but still collects what is
   * ready; fractions round up (0.1 waits at least 0.1 ms, never 0). An interrupted system call
   * is retried with the time that remains.
   */
  poll(events: Events, timeout?: number | null): number {
    if (!(events instanceof Events)) throw invalidArgType('events', 'an instance of Events', events)
    const ms = validateTimeout(timeout)
    const n = native.poll(this.#key, events[kTokens], events[kFlags], ms)
    if (n === STOPPING) exitStoppingThread()
    events[kSetLength](n)
    return n
  }

  /**
   * Like `poll`, without blocking the thread: resolves with the number of events once at least
   * one is ready, or with 0 when `timeout` ms pass. No thread waits meanwhile — not one of
   * libuv's pool threads — the thread's own event loop watches the selector. A pending
   * pollAsync keeps the event loop alive. While it is pending, `events` belongs to it.
   *
   * Rejects with `ERR_CLOSED` if the Poll is closed meanwhile, with an `AbortError` when
   * `options.signal` aborts, with `EBUSY` if another wait is in progress.
   */
  pollAsync(events: Events, timeout?: number | null, options?: PollAsyncOptions): Promise<number> {
    // Not an `async` function: each promise it returns is the one the native callback settles,
    // with no adopting promise (and its microtask hops) in between. Errors still reject.
    let ms: number | null
    let signal: AbortSignal | undefined
    try {
      if (!(events instanceof Events)) throw invalidArgType('events', 'an instance of Events', events)
      ms = validateTimeout(timeout)
      signal = validateSignalOptions(options)
      if (signal?.aborted) throw abortError(signal)
      if (ms !== null && ms > MAX_TIMER_MS) ms = null
      // A zero timeout never waits. (Otherwise what is ready now is reported by the loop's
      // first turn: the selector's fd is already readable, no system call is spent asking.)
      if (ms === 0) return Promise.resolve(this.poll(events, 0))
    } catch (err) {
      return Promise.reject(err)
    }
    return this.#waitAsync(events, ms, signal)
  }

  #waitAsync(events: Events, ms: number | null, signal: AbortSignal | undefined): Promise<number> {
    const key = this.#key
    const tokens = events[kTokens]
    const flags = events[kFlags]
    return new Promise<number>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const settle = () => {
        if (timer !== undefined) clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
      }
      const onAbort = () => {
        native.pollCancelAsync(key)
        settle()
        reject(abortError(signal!))
      }
      native.pollAsyncStart(key, tokens, flags, (err, count) => {
        settle()
        if (err) return reject(err)
        events[kSetLength](count!)
        resolve(count!)
      })
      if (ms !== null) {
        // Timers may fire a little early (libuv's cached clock): re-arm for what remains, so
        // that the wait is never shorter than asked.
        const deadline = performance.now() + ms
        const onTimeout = () => {
          const left = deadline - performance.now()
          if (left > 0) {
            timer = setTimeout(onTimeout, Math.ceil(left))
            return
          }
          native.pollCancelAsync(key)
          settle()
          try {
            resolve(this.poll(events, 0))
          } catch (err) {
            reject(err)
          }
        }
        timer = setTimeout(onTimeout, Math.ceil(ms))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /**
   * Yields `events` after each batch, waiting with `pollAsync` in between. Ends when the Poll
   * is closed; throws an `AbortError` when `options.signal` aborts.
   *
   * ```ts
   * for await (const batch of poll.watch(events, { signal })) {
   *   for (let i = 0; i < batch.length; i++) handle(batch.token(i))
   * }
   * ```
   */
  async *watch(events: Events, options?: PollAsyncOptions): AsyncGenerator<Events, void, undefined> {
    for (;;) {
      try {
        await this.pollAsync(events, null, options)
      } catch (err) {
        if ((err as { code?: unknown }).code === 'ERR_CLOSED') return
        throw err
      }
      yield events
    }
  }

  /** Closes the selector and every Waker of this Poll. Idempotent. */
  close(): void {
    unclosed.untrack(this.#cell)
    native.pollClose(this.#key)
  }

  /** The same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close()
  }
}
