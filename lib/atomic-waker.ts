// AtomicWaker: futures' primitive, for promises, across workers.

import { native, type NativeAtomicWaker } from './native.js'
import { closedError } from './errors.js'
import { validateHandle } from './validate.js'

const kNative = Symbol('wakepoll.native')

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
  readonly [kNative]: NativeAtomicWaker

  constructor() {
    this[kNative] = new native.NativeAtomicWaker()
  }

  /** A live AtomicWaker for the same native one as `handle`, in any worker of this process. */
  static fromHandle(handle: AtomicWakerHandle): AtomicWaker {
    validateHandle(handle)
    const inner = native.NativeAtomicWaker.fromHandle(handle)
    return Object.assign(Object.create(AtomicWaker.prototype) as AtomicWaker, { [kNative]: inner })
  }

  /** Plain data (a string) naming this AtomicWaker; it survives `postMessage`. */
  get handle(): AtomicWakerHandle {
    return this[kNative].handle as AtomicWakerHandle
  }

  /** Whether it has been closed (in any worker). */
  get closed(): boolean {
    return this[kNative].closed
  }

  /**
   * Resolves on the first `wake()` after this call, from any thread or worker, or when a later
   * `register()`/`take()` replaces this registration. Rejects with `ERR_CLOSED` on `close()`.
   */
  register(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this[kNative].register((outcome) => (outcome === WOKEN ? resolve() : reject(closedError('AtomicWaker'))))
    })
  }

  /** Wakes the current registration, if any. Never blocks. */
  wake(): void {
    this[kNative].wake()
  }

  /** Removes the current registration (its promise resolves); returns whether there was one. */
  take(): boolean {
    return this[kNative].take()
  }

  /** Ends it for every worker; a pending registration rejects with `ERR_CLOSED`. Idempotent. */
  close(): void {
    this[kNative].close()
  }

  [Symbol.dispose](): void {
    this.close()
  }
}

/** The opaque string of `atomicWaker.handle`. */
export type AtomicWakerHandle = string & { readonly __wakepoll: 'AtomicWaker' }
