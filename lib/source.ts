// The seam through which Registry accepts wakepoll's own sources beside raw fds: each source
// class implements these three calls, given its Poll's key, under a module-private symbol.

import type { Key } from './native.js'

export const kSource = Symbol('wakepoll.source')

export interface SourceOps {
  register(poll: Key, token: number, interest: number): void
  reregister(poll: Key, token: number, interest: number): void
  deregister(poll: Key): void
}

/** Anything wakepoll can register besides a raw fd (SyncEvent, sockets, pipe ends). */
export interface WakepollSource {
  readonly [kSource]: SourceOps
}

export function isWakepollSource(value: unknown): value is WakepollSource {
  return typeof value === 'object' && value !== null && kSource in value
}
