// WaitContext: crosvm's WaitContext — wait for any of several SyncEvents, level-triggered.

import { native, type Key } from './native.js'
import { invalidArgType } from './errors.js'
import { isSyncEvent, syncEventKey, type SyncEvent } from './sync-event.js'
import { exitStoppingThread, STOPPING } from './thread-stop.js'
import { Unclosed, type Cell } from './unclosed.js'
import { validateTimeout, validateToken } from './validate.js'

// Frees one collected without close() (lib/unclosed.ts).
const unclosed = new Unclosed((key) => native.waitContextClose(key))

/**
 * Waits until one or more of its SyncEvents are signalled and returns their tokens.
 * Level-triggered: an event is reported by every wait until it is reset or waited on. A
 * WaitContext stays in the thread that made it; its events may be signalled from anywhere.
 * Each SyncEvent belongs to one WaitContext or Poll at a time (`EEXIST`); use `tryClone()` to
 * watch one signal in two places.
 */
export class WaitContext implements Disposable {
  // A key of the native table (src/slots.rs): close() frees it at once.
  readonly #key: Key
  readonly #cell: Cell

  constructor() {
    this.#key = native.waitContextNew()
    this.#cell = unclosed.track(this, this.#key)
  }

  /** Watches `event`, reporting `token` while it is signalled. */
  add(event: SyncEvent, token: number): void {
    validateEvent(event)
    validateToken(token)
    native.waitContextAdd(this.#key, syncEventKey(event), token)
  }

  /** Stops watching `event`. Not watched here: `ENOENT`. */
  delete(event: SyncEvent): void {
    validateEvent(event)
    native.waitContextDelete(this.#key, syncEventKey(event))
  }

  /** Blocks until at least one event is signalled; returns the tokens of all signalled ones. */
  wait(): number[] {
    return tokens(native.waitContextWait(this.#key, null))
  }

  /** Like `wait`, giving up after `timeout` ms with `[]`; never early (fractions round up). */
  waitTimeout(timeout: number): number[] {
    return tokens(native.waitContextWait(this.#key, validateTimeout(timeout)))
  }

  get closed(): boolean {
    return native.waitContextClosed(this.#key)
  }

  /** Stops watching every event. Idempotent. */
  close(): void {
    unclosed.untrack(this.#cell)
    native.waitContextClose(this.#key)
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
