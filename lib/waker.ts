// Waker: wakes a Poll from any thread or worker.

import { native, type NativeExternal, type NativeWaker } from './native.js'
import { invalidArgType } from './errors.js'
import { nativeRegistry, Registry } from './registry.js'
import { validateHandle, validateToken } from './validate.js'

const kNative = Symbol('wakepoll.native')
const kExternal = Symbol('wakepoll.external')

/**
 * Makes its Poll report a readable event with its token, from any thread or worker.
 *
 * Several Wakers per Poll are allowed, each with its own token. A wake before the poll is not
 * lost; several wakes before one poll give one event. A Waker lives until `close()` — on any of
 * its objects, in any worker — or until its Poll closes: garbage collection of one JavaScript
 * object never ends it, so a wake cannot be lost the way it can with mio's dropped Waker.
 */
export class Waker implements Disposable {
  readonly [kNative]: NativeWaker
  [kExternal]: NativeExternal | undefined

  constructor(registry: Registry, token: number) {
    if (!(registry instanceof Registry)) throw invalidArgType('registry', 'an instance of Registry', registry)
    validateToken(token)
    this[kNative] = new native.NativeWaker(nativeRegistry(registry), token)
  }

  /** A live Waker for the same native waker as `handle`, in any worker of this process. */
  static fromHandle(handle: WakerHandle): Waker {
    validateHandle(handle)
    const inner = native.NativeWaker.fromHandle(handle)
    return Object.assign(Object.create(Waker.prototype) as Waker, { [kNative]: inner, [kExternal]: undefined })
  }

  /** Plain data (a string) naming this waker; it survives `postMessage` and `workerData`. */
  get handle(): WakerHandle {
    return this[kNative].handle as WakerHandle
  }

  /** Whether this Waker (or its Poll) has been closed. */
  get closed(): boolean {
    return this[kNative].closed
  }

  /** Wakes the Poll. Never blocks; throws `ERR_CLOSED` once the Waker or its Poll is closed. */
  wake(): void {
    native.wake((this[kExternal] ??= this[kNative].external() as NativeExternal))
  }

  /** Ends this Waker for every worker that holds it. Idempotent. */
  close(): void {
    this[kNative].close()
  }

  [Symbol.dispose](): void {
    this.close()
  }
}

/** The opaque string of `waker.handle`. */
export type WakerHandle = string & { readonly __wakepoll: 'Waker' }
