// WaitContext: crosvm's WaitContext — wait for any of several sources, level-triggered.

import { native, type Key } from './native.js'
import { invalidArgValue } from './errors.js'
import { Interest } from './interest.js'
import { validateSource, type Source } from './registry.js'
import { kSource, waitContextRegistrar, type Registrar } from './source.js'
import { exitStoppingThread, STOPPING } from './thread-stop.js'
import { Unclosed, type Cell } from './unclosed.js'
import { validateTimeout, validateToken } from './validate.js'

// Frees one collected without close() (lib/unclosed.ts).
const unclosed = new Unclosed((key) => native.waitContextClose(key))

/** Which readiness a WaitContext watches a source for (crosvm's `EventType`). */
export type WaitEventType = 'read' | 'write' | 'readwrite'

/** One ready source, as crosvm's `TriggeredEvent`: its token and which way it is ready. */
export interface TriggeredEvent {
  /** The token the source was added with. */
  token: number
  /** Ready to read (a SyncEvent signalled, a Timer fired, data or a hang-up to read). */
  readable: boolean
  /** Ready to write (only for sources added for `'write'` or `'readwrite'`). */
  writable: boolean
  /** The peer hung up, or an error is pending on the source. */
  hungUp: boolean
}

const INTEREST: Record<WaitEventType, number> = {
  read: Interest.READABLE,
  write: Interest.WRITABLE,
  readwrite: Interest.READABLE | Interest.WRITABLE,
}

/**
 * Waits until one or more of its sources are ready (crosvm's WaitContext). It takes what
 * `registry.register` takes — SyncEvents, Timers, sockets, pipe ends, raw fds — for reading
 * (`add`), or for reading, writing or both (`addFor`). Level-triggered: a source is reported
 * by every wait for as long as it is ready (a SyncEvent until it is reset or waited on, a
 * Timer until its expirations are consumed, a socket until it is drained).
 *
 * `wait()`/`waitTimeout()` return the tokens of the ready sources, as they always have (the
 * common case, SyncEvents and Timers, is only ever readable); `waitEvents()`/
 * `waitEventsTimeout()` say which way each is ready, as crosvm's `wait` does.
 *
 * A WaitContext stays in the thread that made it; its sources may be signalled from anywhere.
 * Each of wakepoll's own sources belongs to one WaitContext or Poll at a time (`EEXIST`); use
 * a SyncEvent's `tryClone()` to watch one signal in two places.
 */
export class WaitContext implements Disposable {
  // A key of the native table (src/slots.rs): close() frees it at once.
  readonly #key: Key
  // The same key as the registry functions take it (lib/source.ts's Registrar).
  readonly #registrar: Registrar
  readonly #cell: Cell

  /** A new WaitContext with no source in it. */
  constructor() {
    this.#key = native.waitContextNew()
    this.#registrar = waitContextRegistrar(this.#key)
    this.#cell = unclosed.track(this, this.#key)
  }

  /** Watches `source` for reading, reporting `token` while it is readable. */
  add(source: Source, token: number): void {
    this.addFor(source, 'read', token)
  }

  /** Watches `source` for `type` ('read', 'write' or 'readwrite'), reporting `token`. */
  addFor(source: Source, type: WaitEventType, token: number): void {
    validateSource(source)
    const interest = validateType(type)
    validateToken(token)
    if (typeof source === 'number') native.registryRegisterFd(this.#registrar, source, token, interest)
    else source[kSource].register(this.#registrar, token, interest)
  }

  /** Replaces the readiness watched for and the token of a source in this context. */
  modify(source: Source, type: WaitEventType, token: number): void {
    validateSource(source)
    const interest = validateType(type)
    validateToken(token)
    if (typeof source === 'number') native.registryReregisterFd(this.#registrar, source, token, interest)
    else source[kSource].reregister(this.#registrar, token, interest)
  }

  /** Stops watching `source`. Not watched here: `ENOENT`. */
  delete(source: Source): void {
    validateSource(source)
    if (typeof source === 'number') native.registryDeregisterFd(this.#registrar, source)
    else source[kSource].deregister(this.#registrar)
  }

  /** Blocks until at least one source is ready; returns the tokens of all ready ones. */
  wait(): number[] {
    return tokens(native.waitContextWait(this.#key, null))
  }

  /** Like `wait`, giving up after `timeout` ms with `[]`; never early (fractions round up). */
  waitTimeout(timeout: number): number[] {
    return tokens(native.waitContextWait(this.#key, validateTimeout(timeout)))
  }

  /** Like `wait`, saying which way each source is ready. */
  waitEvents(): TriggeredEvent[] {
    return triggered(native.waitContextWaitEvents(this.#key, null))
  }

  /** Like `waitTimeout`, saying which way each source is ready; `[]` after the timeout. */
  waitEventsTimeout(timeout: number): TriggeredEvent[] {
    return triggered(native.waitContextWaitEvents(this.#key, validateTimeout(timeout)))
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return native.waitContextClosed(this.#key)
  }

  /** Stops watching every source. Idempotent. */
  close(): void {
    unclosed.untrack(this.#cell)
    native.waitContextClose(this.#key)
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close()
  }
}

function tokens(result: number[] | typeof STOPPING): number[] {
  if (result === STOPPING) exitStoppingThread()
  return result
}

/** `[token, flags, …]` from native (flags: 1 readable, 2 writable, 4 hung up). */
function triggered(flat: number[] | typeof STOPPING): TriggeredEvent[] {
  if (flat === STOPPING) exitStoppingThread()
  const out: TriggeredEvent[] = []
  for (let i = 0; i < flat.length; i += 2) {
    const flags = flat[i + 1]!
    out.push({ token: flat[i]!, readable: (flags & 1) !== 0, writable: (flags & 2) !== 0, hungUp: (flags & 4) !== 0 })
  }
  return out
}

function validateType(type: unknown): number {
  if (type === 'read' || type === 'write' || type === 'readwrite') return INTEREST[type]
  throw invalidArgValue('type', type, "must be 'read', 'write' or 'readwrite'")
}
