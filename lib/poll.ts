// Poll: owns one OS selector and waits on it.

import { native, type NativePoll } from './native.js'
import { invalidArgType } from './errors.js'
import { Events, kFlags, kSetLength, kTokens } from './events.js'
import { Registry } from './registry.js'
import { validateTimeout } from './validate.js'

/**
 * Waits for readiness events on the sources registered through `poll.registry`.
 *
 * Only one thread may be inside `poll` of one Poll at a time: a second concurrent call fails at
 * once with a system error of code `EBUSY`. `close()` is idempotent; afterwards every use of
 * the Poll, its Registry (in any worker) and its Wakers throws `ERR_CLOSED`.
 */
export class Poll implements Disposable {
  readonly #inner: NativePoll
  readonly #registry: Registry

  constructor() {
    this.#inner = new native.NativePoll()
    this.#registry = new Registry(this.#inner.registry())
  }

  /** The Registry of this Poll. */
  get registry(): Registry {
    return this.#registry
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#inner.closed
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
    events[kSetLength](0)
    const n = this.#inner.poll(events[kTokens], events[kFlags], ms)
    events[kSetLength](n)
    return n
  }

  /** Closes the selector and every Waker of this Poll. Idempotent. */
  close(): void {
    this.#inner.close()
  }

  [Symbol.dispose](): void {
    this.close()
  }
}
