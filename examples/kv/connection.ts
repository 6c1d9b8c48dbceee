// One client connection of a wakepoll worker: its socket, what it sent that does not yet make a
// whole command, the replies the socket did not take yet, and — with several workers — the
// replies still awaited from other workers, kept in request order.
//
// The hot path: on a readable event the worker reads into its own 64 KiB buffer, parses and
// runs every whole command in it, and writes the replies of the whole batch with one write
// (connection.ts `flushBatch`). A connection's own buffer is used only for a command split
// across reads (`input`), and for output the socket did not take (`pending`).
//
// Back-pressure: once the replies not yet taken by the socket pass OUTPUT_LIMIT, the worker
// stops reading that client (its registration drops READABLE and keeps WRITABLE); when the
// socket has taken them, it runs what was already read and reads again. Other clients are not
// affected: nothing here waits.

import { Interest, type Registry, type TcpStream } from '../../index.ts'
import type { Session } from './context.ts'

/** Replies waiting for one client, past which the server stops reading it. */
export const OUTPUT_LIMIT = 4 * 1024 * 1024
/** Commands awaited from other workers for one client, past which it is not read either. */
export const INFLIGHT_LIMIT = 64 * 1024

/** A reply owed to the client in request order: filled now, or when another worker answers. */
export interface Slot {
  data: Buffer | null
  gather: Gather | null
}

/** A command split over shards (MGET, MSET, DEL, EXISTS, DBSIZE, FLUSHALL over several keys or all shards). */
export interface Gather {
  /** 'mget': an array of the parts; 'sum': the sum of integer parts; 'ok': +OK. */
  kind: 'mget' | 'sum' | 'ok'
  parts: (Buffer | null)[]
  remaining: number
  sum: number
  error: Buffer | null
}

export class Conn {
  readonly token: number
  readonly stream: TcpStream
  readonly session: Session
  /** Bytes of a command split across reads: input[0, inputLen). */
  input: Buffer | null = null
  inputLen = 0
  /** Before parsing again, at least this many bytes must be in `input` (see RequestParser.need). */
  need = 0
  /** Output the socket has not taken yet, oldest first; pending[0] from pendingOffset. */
  pending: Buffer[] = []
  pendingOffset = 0
  pendingBytes = 0
  /** Replies in request order, the first not yet filled (several workers only). */
  slots: Slot[] = []
  /** Commands sent to other workers whose replies have not come. */
  inflight = 0
  /** The interest it is registered with now. */
  registered: number = Interest.READABLE
  /** Not read (too much output waiting): see OUTPUT_LIMIT. */
  paused = false
  /** Close once the output is out (QUIT, a protocol error, end of input). */
  closing = false
  closed = false

  constructor(token: number, stream: TcpStream, session: Session) {
    this.token = token
    this.stream = stream
    this.session = session
  }

  /** Whether reading must stop for now. */
  overLimit(batchBytes: number): boolean {
    return this.pendingBytes + batchBytes > OUTPUT_LIMIT || this.inflight > INFLIGHT_LIMIT
  }

  /** Keeps bytes [s, e) of `buf` as the start of the next command (copies them). */
  keepInput(buf: Buffer, s: number, e: number, need: number): void {
    const n = e - s
    if (buf === this.input) {
      if (s > 0) buf.copyWithin(0, s, e)
    } else {
      if (this.input === null || this.input.length < n + 16 * 1024) this.input = Buffer.allocUnsafe(n + 16 * 1024)
      buf.copy(this.input, 0, s, e)
    }
    this.inputLen = n
    this.need = need
  }

  /**
   * Room for the next read into `input`. It grows by doubling towards `need` (the size of the
   * command when known, e.g. a large value's bulk length), not to `need` at once: a header
   * announcing 512 MiB costs memory only as the bytes arrive.
   */
  inputRoom(): number {
    const input = this.input!
    const room = input.length - this.inputLen
    if (room >= 16 * 1024 && (input.length >= this.need || room >= 1024 * 1024)) return room
    const size = Math.max(this.inputLen + 64 * 1024, Math.min(this.need, input.length * 2))
    const grown = Buffer.allocUnsafe(size)
    input.copy(grown, 0, 0, this.inputLen)
    this.input = grown
    return size - this.inputLen
  }

  /** Drops the input buffer once empty, so that an idle connection holds none. */
  clearInput(): void {
    this.inputLen = 0
    this.need = 0
    this.input = null
  }

  /**
   * Sends bytes [s, e) of `buf`: writes what the socket takes now, unless older output waits,
   * and keeps a copy of the rest. Throws what the socket throws (the caller closes).
   */
  send(registry: Registry, buf: Buffer, s: number, e: number): void {
    if (this.pendingBytes === 0) {
      while (s < e) {
        const n = this.stream.write(buf, s, e - s)
        if (n === null) break
        s += n
      }
      if (s === e) return
    }
    this.pending.push(Buffer.from(buf.subarray(s, e)))
    this.pendingBytes += e - s
    this.updateInterest(registry)
  }

  /** Writes pending output until the socket is full; true when none is left. */
  flushPending(registry: Registry): boolean {
    while (this.pending.length > 0) {
      const head = this.pending[0]!
      const n = this.stream.write(head, this.pendingOffset, head.length - this.pendingOffset)
      if (n === null) break
      this.pendingOffset += n
      this.pendingBytes -= n
      if (this.pendingOffset === head.length) {
        this.pending.shift()
        this.pendingOffset = 0
      }
    }
    this.updateInterest(registry)
    return this.pendingBytes === 0
  }

  /**
   * The registration this state calls for: READABLE unless paused, WRITABLE while output waits
   * (a paused connection keeps WRITABLE alone: an empty interest cannot be registered).
   */
  updateInterest(registry: Registry): void {
    const wanted = this.paused ? Interest.WRITABLE : this.pendingBytes > 0 ? Interest.READABLE | Interest.WRITABLE : Interest.READABLE
    if (wanted === this.registered) return
    // reregister re-arms: a socket still readable (or writable) reports again at once.
    registry.reregister(this.stream, this.token, wanted)
    this.registered = wanted
  }
}
