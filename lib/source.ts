// The seam through which Registry accepts wakepoll's own sources beside raw fds: each source
// class implements these three calls on the native registry under a module-private symbol.

import type { NativeRegistry, NativeWaitContext } from './native.js'

export const kSource = Symbol('wakepoll.source')

export interface SourceOps {
  register(registry: NativeRegistrar, token: number, interest: number): void
  reregister(registry: NativeRegistrar, token: number, interest: number): void
  deregister(registry: NativeRegistrar): void
}

/**
 * What a source registers with: a Poll's native registry, or a WaitContext, which has the same
 * calls (level-triggered there).
 */
export type NativeRegistrar = NativeRegistry | NativeWaitContext

/** Anything wakepoll can register besides a raw fd (SyncEvent, Timer, sockets, pipe ends). */
export interface WakepollSource {
  readonly [kSource]: SourceOps
}

export function isWakepollSource(value: unknown): value is WakepollSource {
  return typeof value === 'object' && value !== null && kSource in value
}
