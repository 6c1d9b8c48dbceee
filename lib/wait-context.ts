// WaitContext: crosvm's WaitContext — wait for any of several SyncEvents, level-triggered.

import { native, type NativeExternal, type NativeWaitContext } from './native.js'
import { invalidArgType } from './errors.js'
import { isSyncEvent, nativeSyncEvent, type SyncEvent } from './sync-event.js'
import { exitStoppingThread, STOPPING } from './thread-stop.js'
import { validateTimeout, validateToken } from './validate.js'

/**
 * Waits until one or more of its SyncEvents are signalled and returns their tokens.
 * Level-triggered: an event is reported by every wait until it is reset or waited on. A
 * WaitContext stays in the thread that made it; its events may be signalled from anywhere.
 * Each SyncEvent belongs to one WaitContext or Poll at a time (`EEXIST`); use `tryClone()` to
 * watch one signal in two places.
 */
export class WaitContext implements Disposable {
  readonly #inner: NativeWaitContext = new native.NativeWaitContext()
  readonly #external = this.#inner.external() as NativeExternal

  /** Watches `event`, reporting `token` while it is signalled. */
  add(event: SyncEvent, token: number): void {
    validateEvent(event)
    validateToken(token)
    this.#inner.add(nativeSyncEvent(event), token)
  }

  /** Stops watching `event`. Not watched here: `ENOENT`. */
  delete(event: SyncEvent): void {
    validateEvent(event)
    this.#inner.delete(nativeSyncEvent(event))
  }

  /** Blocks until at least one event is signalled; returns the tokens of all signalled ones. */
  wait(): number[] {
    return tokens(native.waitContextWait(this.#external, null))
  }

  /** Like `wait`, giving up after `timeout` ms with `[]`; never early (fractions round up). */
  waitTimeout(timeout: number): number[] {
    return tokens(native.waitContextWait(this.#external, validateTimeout(timeout)))
  }

  get closed(): boolean {
    return this.#inner.closed
  }

  /** Stops watching every event. Idempotent. */
  close(): void {
    this.#inner.close()
  }

  [Symbol.dispose](): void {
    this.close()
  }
}

function tokens(result: number[] | typeof STOPPING): number[] {
  if (result === STOPPING) exitStoppingThread()
  return result
}

function validateEvent(event: unknown): asserts event is SyncEvent {
  if (!isSyncEvent(event)) throw invalidArgType('event', 'an instance of SyncEvent', event)
}
