// The seam through which Registry and WaitContext accept wakepoll's own sources beside raw fds:
// each source class implements these three calls, given a registrar, under a module-private
// symbol.

import type { Key } from './native.js'

export const kSource = Symbol('wakepoll.source')

/**
 * What a source registers with, as the native registry functions take it (src/registry.rs): a
 * Poll's key (≥ 0), or `-1 - key` of a WaitContext (`waitContextRegistrar`), whose registry is
 * level-triggered. One number, so that every source has one set of calls for both.
 */
export type Registrar = number

/** The registrar of the WaitContext of `key`. */
export function waitContextRegistrar(key: Key): Registrar {
  return -1 - key
}

export interface SourceOps {
  register(registrar: Registrar, token: number, interest: number): void
  reregister(registrar: Registrar, token: number, interest: number): void
  deregister(registrar: Registrar): void
}

/** Anything wakepoll can register besides a raw fd (SyncEvent, Timer, sockets, pipe ends). */
export interface WakepollSource {
  /** @internal How the Registry and a WaitContext register it. */
  readonly [kSource]: SourceOps
}

export function isWakepollSource(value: unknown): value is WakepollSource {
  return typeof value === 'object' && value !== null && kSource in value
}
