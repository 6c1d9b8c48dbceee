// The seam through which Registry accepts wakepoll's own sources beside raw fds: each source
// class implements these three calls on the native registry under a module-private symbol.

import type { NativeRegistry } from './native.js'

export const kSource = Symbol('wakepoll.source')

export interface SourceOps {
  register(registry: NativeRegistry, token: number, interest: number): void
  reregister(registry: NativeRegistry, token: number, interest: number): void
  deregister(registry: NativeRegistry): void
}

/** Anything wakepoll can register besides a raw fd (SyncEvent, sockets, pipe ends). */
export interface WakepollSource {
  readonly [kSource]: SourceOps
}

export function isWakepollSource(value: unknown): value is WakepollSource {
  return typeof value === 'object' && value !== null && kSource in value
}
