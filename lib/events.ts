// Events: the buffer a poll fills, as two typed arrays that native code writes in place. Every
// read by index is a typed-array load: nothing is allocated per event on the hot path.

import { outOfRange } from './errors.js'
import { validateInteger } from './validate.js'

// Bit layout of `flags`, shared with src/events.rs.
const READABLE = 1
const WRITABLE = 2
const ERROR = 4
const READ_CLOSED = 8
const WRITE_CLOSED = 16
const PRIORITY = 32
const AIO = 64
const LIO = 128

// Module-private keys: Poll reaches the buffers through them; users do not see them.
export const kTokens = Symbol('wakepoll.tokens')
export const kFlags = Symbol('wakepoll.flags')
export const kSetLength = Symbol('wakepoll.setLength')

/** One readiness event, as returned while iterating `Events`: a snapshot of token and flags. */
export class Event {
  /** The token of the registration (or Waker) that reported it. */
  readonly token: number
  readonly #flags: number

  /** @internal */
  constructor(token: number, flags: number) {
    this.token = token
    this.#flags = flags
  }

  /** Readable: data, a connection to accept, a signalled SyncEvent or Waker, or the read side closed. */
  isReadable(): boolean { return (this.#flags & READABLE) !== 0 }
  /** Writable: there is room to write, or a connect finished (successfully or not: see `takeError()`). */
  isWritable(): boolean { return (this.#flags & WRITABLE) !== 0 }
  /** An error is pending on the source (read it with `takeError()` on a socket). */
  isError(): boolean { return (this.#flags & ERROR) !== 0 }
  /** The read side is closed: the peer shut down writing or closed, or the socket was reset. */
  isReadClosed(): boolean { return (this.#flags & READ_CLOSED) !== 0 }
  /** The write side is closed: the peer is gone or the socket shut down writing. */
  isWriteClosed(): boolean { return (this.#flags & WRITE_CLOSED) !== 0 }
  /** Priority (out-of-band) data is readable. Linux and Android only. */
  isPriority(): boolean { return (this.#flags & PRIORITY) !== 0 }
  /** A POSIX AIO request completed. FreeBSD only. */
  isAio(): boolean { return (this.#flags & AIO) !== 0 }
  /** A `lio_listio` batch completed. FreeBSD only. */
  isLio(): boolean { return (this.#flags & LIO) !== 0 }
}

/**
 * A reusable buffer of readiness events. `poll` clears it, then fills at most `capacity`
 * events; ready events that did not fit come with the next call.
 *
 * Read events by index (`events.token(i)`, `events.isReadable(i)`, …) for the allocation-free
 * path, or iterate for `Event` snapshots.
 */
export class Events implements Iterable<Event> {
  /** How many events one poll can return (ready events beyond it come with the next poll). */
  readonly capacity: number
  /** @internal Tokens, written in place by a native poll. */
  readonly [kTokens]: Float64Array
  /** @internal Flag bits, written in place by a native poll. */
  readonly [kFlags]: Uint8Array
  #length = 0

  /**
   * @param capacity the most events one poll returns: an integer ≥ 1 (`RangeError`
   * `ERR_OUT_OF_RANGE` otherwise).
   * @example
   * ```ts
   * const events = new Events(64)
   * poll.poll(events, null)
   * for (let i = 0; i < events.length; i++) handle(events.token(i), events.isReadable(i))
   * ```
   */
  constructor(capacity: number) {
    validateInteger(capacity, 'capacity', 1, 0x7fff_ffff)
    this.capacity = capacity
    this[kTokens] = new Float64Array(capacity)
    this[kFlags] = new Uint8Array(capacity)
  }

  /** How many events the last poll returned. */
  get length(): number {
    return this.#length
  }

  /** @internal Set by Poll after a native poll wrote `n` events. */
  [kSetLength](n: number): void {
    this.#length = n
  }

  /** Whether the last poll returned no event. */
  isEmpty(): boolean {
    return this.#length === 0
  }

  /** Forgets the events of the last poll. */
  clear(): void {
    this.#length = 0
  }

  #at(index: number): number {
    if (index >>> 0 !== index || index >= this.#length) {
      throw outOfRange('index', `an integer >= 0 && < ${this.#length}`, index)
    }
    return index
  }

  /**
   * The token of the event at `index` (0 ≤ index < `length`; `RangeError` otherwise): a typed-
   * array read, no allocation.
   */
  token(index: number): number { return this[kTokens][this.#at(index)]! }
  /** The event at `index`: readable: data, a connection to accept, a signalled SyncEvent or Waker, or the read side closed. */
  isReadable(index: number): boolean { return (this[kFlags][this.#at(index)]! & READABLE) !== 0 }
  /** The event at `index`: writable: there is room to write, or a connect finished (successfully or not: see `takeError()`). */
  isWritable(index: number): boolean { return (this[kFlags][this.#at(index)]! & WRITABLE) !== 0 }
  /** The event at `index`: an error is pending on the source (read it with `takeError()` on a socket). */
  isError(index: number): boolean { return (this[kFlags][this.#at(index)]! & ERROR) !== 0 }
  /** The event at `index`: the read side is closed: the peer shut down writing or closed, or the socket was reset. */
  isReadClosed(index: number): boolean { return (this[kFlags][this.#at(index)]! & READ_CLOSED) !== 0 }
  /** The event at `index`: the write side is closed: the peer is gone or the socket shut down writing. */
  isWriteClosed(index: number): boolean { return (this[kFlags][this.#at(index)]! & WRITE_CLOSED) !== 0 }
  /** The event at `index`: priority (out-of-band) data is readable. Linux and Android only. */
  isPriority(index: number): boolean { return (this[kFlags][this.#at(index)]! & PRIORITY) !== 0 }
  /** The event at `index`: a POSIX AIO request completed. FreeBSD only. */
  isAio(index: number): boolean { return (this[kFlags][this.#at(index)]! & AIO) !== 0 }
  /** The event at `index`: a `lio_listio` batch completed. FreeBSD only. */
  isLio(index: number): boolean { return (this[kFlags][this.#at(index)]! & LIO) !== 0 }

  /** Each event of the last poll as an {@link Event} snapshot (one object per event). */
  *[Symbol.iterator](): IterableIterator<Event> {
    for (let i = 0; i < this.#length; i++) yield new Event(this[kTokens][i]!, this[kFlags][i]!)
  }
}
