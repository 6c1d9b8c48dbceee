// Registry: registers sources with a Poll, from any worker.

import { native, type Key } from './native.js'
import { invalidArgType } from './errors.js'
import { validateFd, validateHandle, validateInterest, validateToken } from './validate.js'
import { isWakepollSource, kSource, type WakepollSource } from './source.js'

/**
 * What a Registry can watch: a raw file descriptor number, or one of wakepoll's own sources
 * (a `SyncEvent`, a `Timer`, a socket of lib/net.ts or a pipe end). A raw fd may be watched by several Polls, once each; wakepoll's own sources
 * belong to one Poll (or WaitContext) at a time.
 */
export type Source = number | WakepollSource

const kKey = Symbol('wakepoll.key')
const kOwner = Symbol('wakepoll.owner')
const kCreate = Symbol('wakepoll.create')

/** The key of the Poll behind a Registry (for Waker's constructor). */
export function registryKey(registry: Registry): Key {
  return registry[kKey]
}

/** `poll.registry` (lib/poll.ts): it holds its Poll object, so that it keeps it alive. */
export function newRegistry(key: Key, poll: object): Registry {
  return new Registry(kCreate as never, key, poll)
}

/**
 * Registers sources with a Poll. Obtained from `poll.registry`, or in another worker from
 * `Registry.fromHandle(poll.registry.handle)`; it may be used while the Poll blocks in `poll`,
 * and a registration made then takes effect in that very poll.
 */
export class Registry {
  /** The Poll's key (src/slots.rs): a Registry is plain data, nothing native of its own. */
  readonly [kKey]: Key
  /** Its Poll object, for `poll.registry` (in another worker: none, see docs/lifetimes.md). */
  readonly [kOwner]: object | undefined

  /** Not for users: a Registry comes from `poll.registry` or `Registry.fromHandle`. */
  constructor(inner: never, key?: Key, poll?: object) {
    if ((inner as unknown) !== kCreate || typeof key !== 'number') {
      throw invalidArgType('registry', 'obtained from poll.registry or Registry.fromHandle()', inner)
    }
    this[kKey] = key
    this[kOwner] = poll
  }

  /** A live Registry for the Poll behind `handle`, in any worker of this process. */
  static fromHandle(handle: RegistryHandle): Registry {
    validateHandle(handle)
    return new Registry(kCreate as never, native.registryFromHandle(handle))
  }

  /** Plain data (a string) naming this registry; it survives `postMessage` and `workerData`. */
  get handle(): RegistryHandle {
    return native.registryHandle(this[kKey]) as RegistryHandle
  }

  /**
   * Starts watching `source` for `interest`, reporting events with `token`.
   * Already registered with this Poll: system error `EEXIST` ("already registered").
   */
  register(source: Source, token: number, interest: number): void {
    validateSource(source)
    validateToken(token)
    validateInterest(interest)
    if (typeof source === 'number') native.registryRegisterFd(this[kKey], source, token, interest)
    else source[kSource].register(this[kKey], token, interest)
  }

  /**
   * Replaces token **and** interest completely; a source still ready reports again.
   * Not registered: system error `ENOENT` ("not registered").
   */
  reregister(source: Source, token: number, interest: number): void {
    validateSource(source)
    validateToken(token)
    validateInterest(interest)
    if (typeof source === 'number') native.registryReregisterFd(this[kKey], source, token, interest)
    else source[kSource].reregister(this[kKey], token, interest)
  }

  /**
   * Stops watching `source`. Once this returns, no later poll returns its token, even for
   * readiness already pending. Not registered: system error `ENOENT`.
   */
  deregister(source: Source): void {
    validateSource(source)
    if (typeof source === 'number') native.registryDeregisterFd(this[kKey], source)
    else source[kSource].deregister(this[kKey])
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
