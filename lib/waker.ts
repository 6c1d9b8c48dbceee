// Waker: wakes a Poll from any thread or worker.

import { native, type Key } from './native.js'
import { invalidArgType } from './errors.js'
import { registryKey, Registry } from './registry.js'
import { validateHandle, validateToken } from './validate.js'

const kKey = Symbol('wakepoll.key')
const kOwner = Symbol('wakepoll.owner')

/**
 * Makes its Poll report a readable event with its token, from any thread or worker.
 *
 * Several Wakers per Poll are allowed, each with its own token. A wake before the poll is not
 * lost; several wakes before one poll give one event. A Waker lives until `close()` — on any of
 * its objects, in any worker — or until its Poll closes: garbage collection of one JavaScript
 * object never ends it, so a wake cannot be lost the way it can with mio's dropped Waker.
 */
export class Waker implements Disposable {
  // A key of the native Waker table (src/slots.rs, src/waker.rs), shared by every object of
  // this Waker in every worker: an object holds nothing native, so `fromHandle` per wake in a
  // loop that never yields costs no memory.
  /** @internal */
  readonly [kKey]: Key
  // The Registry it was made with (and so its Poll object): keeps the Poll alive in this thread.
  /** @internal */
  readonly [kOwner]: Registry | undefined

  /**
   * A new Waker of `registry`'s Poll, reporting `token` (any integer 0 … 2^53−1). Several
   * Wakers per Poll are fine, each with its own token.
   * @example
   * ```ts
   * const waker = new Waker(poll.registry, 1)
   * new Worker('./w.mjs', { workerData: waker.handle }) // w.mjs: Waker.fromHandle(workerData).wake()
   * ```
   */
  constructor(registry: Registry, token: number) {
    if (!(registry instanceof Registry)) throw invalidArgType('registry', 'an instance of Registry', registry)
    validateToken(token)
    this[kKey] = native.wakerNew(registryKey(registry), token)
    this[kOwner] = registry
  }

  /** A live Waker for the same native waker as `handle`, in any worker of this process. */
  static fromHandle(handle: WakerHandle): Waker {
    validateHandle(handle)
    const waker = Object.create(Waker.prototype) as { -readonly [K in keyof Waker]: Waker[K] }
    waker[kKey] = native.wakerFromHandle(handle)
    waker[kOwner] = undefined
    return waker as Waker
  }

  /** Plain data (a string) naming this waker; it survives `postMessage` and `workerData`. */
  get handle(): WakerHandle {
    return native.wakerHandle(this[kKey]) as WakerHandle
  }

  /** Whether this Waker (or its Poll) has been closed. */
  get closed(): boolean {
    return native.wakerClosed(this[kKey])
  }

  /** Wakes the Poll. Never blocks; throws `ERR_CLOSED` once the Waker or its Poll is closed. */
  wake(): void {
    native.wake(this[kKey])
  }

  /** Ends this Waker for every worker that holds it. Idempotent. */
  close(): void {
    native.wakerClose(this[kKey])
  }

  /** The same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close()
  }
}

/** The opaque string of `waker.handle`. */
export type WakerHandle = string & { /** @internal */ readonly __wakepoll: 'Waker' }
