// Registry: registers sources with a Poll, from any worker.

import { native, type NativeRegistry } from './native.js'
import { invalidArgType } from './errors.js'
import { validateFd, validateHandle, validateInterest, validateToken } from './validate.js'
import { isWakepollSource, kSource, type WakepollSource } from './source.js'

/**
 * What a Registry can watch: a raw file descriptor number, or one of wakepoll's own sources
 * (a `SyncEvent`, a `Timer`, a socket of lib/net.ts or a pipe end). A raw fd may be watched by several Polls, once each; wakepoll's own sources
 * belong to one Poll (or WaitContext) at a time.
 */
export type Source = number | WakepollSource

const kNative = Symbol('wakepoll.native')

/** The native registry behind a Registry (for Waker's constructor). */
export function nativeRegistry(registry: Registry): NativeRegistry {
  return registry[kNative]
}

/**
 * Registers sources with a Poll. Obtained from `poll.registry`, or in another worker from
 * `Registry.fromHandle(poll.registry.handle)`; it may be used while the Poll blocks in `poll`,
 * and a registration made then takes effect in that very poll.
 */
export class Registry {
  readonly [kNative]: NativeRegistry

  /** Not for users: a Registry comes from `poll.registry` or `Registry.fromHandle`. */
  constructor(inner: NativeRegistry) {
    if (!(inner instanceof native.NativeRegistry)) {
      throw invalidArgType('registry', 'obtained from poll.registry or Registry.fromHandle()', inner)
    }
    this[kNative] = inner
  }

  /** A live Registry for the Poll behind `handle`, in any worker of this process. */
  static fromHandle(handle: RegistryHandle): Registry {
    validateHandle(handle)
    return new Registry(native.NativeRegistry.fromHandle(handle))
  }

  /** Plain data (a string) naming this registry; it survives `postMessage` and `workerData`. */
  get handle(): RegistryHandle {
    return this[kNative].handle as RegistryHandle
  }

  /**
   * Starts watching `source` for `interest`, reporting events with `token`.
   * Already registered with this Poll: system error `EEXIST` ("already registered").
   */
  register(source: Source, token: number, interest: number): void {
    validateSource(source)
    validateToken(token)
    validateInterest(interest)
    if (typeof source === 'number') this[kNative].registerFd(source, token, interest)
    else source[kSource].register(this[kNative], token, interest)
  }

  /**
   * Replaces token **and** interest completely; a source still ready reports again.
   * Not registered: system error `ENOENT` ("not registered").
   */
  reregister(source: Source, token: number, interest: number): void {
    validateSource(source)
    validateToken(token)
    validateInterest(interest)
    if (typeof source === 'number') this[kNative].reregisterFd(source, token, interest)
    else source[kSource].reregister(this[kNative], token, interest)
  }

  /**
   * Stops watching `source`. Once this returns, no later poll returns its token, even for
   * readiness already pending. Not registered: system error `ENOENT`.
   */
  deregister(source: Source): void {
    validateSource(source)
    if (typeof source === 'number') this[kNative].deregisterFd(source)
    else source[kSource].deregister(this[kNative])
  }
}

/** The opaque string of `registry.handle`. */
export type RegistryHandle = string & { readonly __wakepoll: 'Registry' }

/** A raw fd or one of wakepoll's own sources (also what a WaitContext takes). */
export function validateSource(source: unknown): asserts source is Source {
  if (isWakepollSource(source)) return
  if (typeof source !== 'number') throw invalidArgType('source', 'a file descriptor (number), a SyncEvent, a Timer, a socket or a pipe end', source)
  validateFd(source)
}
