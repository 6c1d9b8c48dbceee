// AtomicWaker: futures' primitive, for promises, across workers.

import { native, type Key } from './native.js'
import { closedError } from './errors.js'
import { validateHandle } from './validate.js'

const kKey = Symbol('wakepoll.key')

// What the native side passes to a registration's callback (src/atomic_waker.rs).
const WOKEN = 0

/**
 * Wakes whoever registered last, from any thread or worker.
 *
 * Register *before* checking the condition you wait for, then check, then await:
 *
 * ```ts
 * const woken = aw.register()
 * if (!ready()) await woken
 * ```
 *
 * A wake before any registration does nothing. A new registration replaces the previous one,
 * whose promise then resolves (a spurious wake — never a promise pending forever). A pending
 * registration keeps its thread's event loop alive; nothing else does.
 */
export class AtomicWaker implements Disposable {
  // A key of the native table (src/slots.rs), shared by every object of this AtomicWaker in
  // every worker; an object holds nothing native.
  /** @internal */
  readonly [kKey]: Key

  /** A new AtomicWaker with nothing registered. */
  constructor() {
    this[kKey] = native.atomicWakerNew()
  }

  /** A live AtomicWaker for the same native one as `handle`, in any worker of this process. */
  static fromHandle(handle: AtomicWakerHandle): AtomicWaker {
    validateHandle(handle)
    const key = native.atomicWakerFromHandle(handle)
    return Object.assign(Object.create(AtomicWaker.prototype) as AtomicWaker, { [kKey]: key })
  }

  /** Plain data (a string) naming this AtomicWaker; it survives `postMessage`. */
  get handle(): AtomicWakerHandle {
    return native.atomicWakerHandle(this[kKey]) as AtomicWakerHandle
  }

  /** Whether it has been closed (in any worker). */
  get closed(): boolean {
    return native.atomicWakerClosed(this[kKey])
  }

  /**
   * Resolves on the first `wake()` after this call, from any thread or worker, or when a later
   * `register()`/`take()` replaces this registration. Rejects with `ERR_CLOSED` on `close()`.
   */
  register(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      native.atomicWakerRegister(this[kKey], (outcome) => (outcome === WOKEN ? resolve() : reject(closedError('AtomicWaker'))))
    })
  }

  /** Wakes the current registration, if any. Never blocks. */
  wake(): void {
    native.atomicWakerWake(this[kKey])
  }

  /** Removes the current registration (its promise resolves); returns whether there was one. */
  take(): boolean {
    return native.atomicWakerTake(this[kKey])
  }

  /** Ends it for every worker; a pending registration rejects with `ERR_CLOSED`. Idempotent. */
  close(): void {
    native.atomicWakerClose(this[kKey])
  }

  /** The same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close()
  }
}

/** The opaque string of `atomicWaker.handle`. */
export type AtomicWakerHandle = string & { /** @internal */ readonly __wakepoll: 'AtomicWaker' }
