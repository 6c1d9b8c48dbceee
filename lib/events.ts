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
  readonly token: number
  readonly #flags: number

  /** @internal */
  constructor(token: number, flags: number) {
    this.token = token
    this.#flags = flags
  }

  isReadable(): boolean { return (this.#flags & READABLE) !== 0 }
  isWritable(): boolean { return (this.#flags & WRITABLE) !== 0 }
  isError(): boolean { return (this.#flags & ERROR) !== 0 }
  isReadClosed(): boolean { return (this.#flags & READ_CLOSED) !== 0 }
  isWriteClosed(): boolean { return (this.#flags & WRITE_CLOSED) !== 0 }
  isPriority(): boolean { return (this.#flags & PRIORITY) !== 0 }
  isAio(): boolean { return (this.#flags & AIO) !== 0 }
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
  readonly capacity: number
  /** Tokens, written in place by a native poll. */
  readonly [kTokens]: Float64Array
  /** Flag bits, written in place by a native poll. */
  readonly [kFlags]: Uint8Array
  #length = 0

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

  /** Set by Poll after a native poll wrote `n` events. */
  [kSetLength](n: number): void {
    this.#length = n
  }

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

  token(index: number): number { return this[kTokens][this.#at(index)]! }
  isReadable(index: number): boolean { return (this[kFlags][this.#at(index)]! & READABLE) !== 0 }
  isWritable(index: number): boolean { return (this[kFlags][this.#at(index)]! & WRITABLE) !== 0 }
  isError(index: number): boolean { return (this[kFlags][this.#at(index)]! & ERROR) !== 0 }
  isReadClosed(index: number): boolean { return (this[kFlags][this.#at(index)]! & READ_CLOSED) !== 0 }
  isWriteClosed(index: number): boolean { return (this[kFlags][this.#at(index)]! & WRITE_CLOSED) !== 0 }
  isPriority(index: number): boolean { return (this[kFlags][this.#at(index)]! & PRIORITY) !== 0 }
  isAio(index: number): boolean { return (this[kFlags][this.#at(index)]! & AIO) !== 0 }
  isLio(index: number): boolean { return (this[kFlags][this.#at(index)]! & LIO) !== 0 }

  *[Symbol.iterator](): IterableIterator<Event> {
    for (let i = 0; i < this.#length; i++) yield new Event(this[kTokens][i]!, this[kFlags][i]!)
  }
}
