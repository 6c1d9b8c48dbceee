// This worker's link to one other worker: the ring it writes to (this → peer), the ring it reads
// from (peer → this), the peer's Waker, and the framing on top of the two byte streams.
//
// Frames: [u32 body length][u8 kind][u32 n] then
//   REQUEST: n commands, RESP multibulk (the peer runs them on its shard, in order);
//   REPLY:   n × u32 end offsets, then the n replies back to back (one per command of one
//            REQUEST frame, in order).
// Each side keeps the requests it sent in a FIFO (`awaiting`): replies come back in the order the
// requests went out, so a reply needs no id.

import type { Args } from './resp.ts'
import { ReplyWriter } from './reply.ts'
import { Ring } from './shard-queue.ts'
import type { Waker } from '../../index.ts'

export const REQUEST = 1
export const REPLY = 2
const FRAME_HEADER = 9

/** Where the reply to one forwarded command goes. */
export interface Awaited<T> {
  target: T
  part: number
}

/** A FIFO without Array.shift's copying. */
class Queue<T> {
  private items: (T | undefined)[] = []
  private head = 0

  push(item: T): void {
    this.items.push(item)
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head]
    this.items[this.head++] = undefined
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  get length(): number {
    return this.items.length - this.head
  }
}

export class ShardLink<T> {
  readonly peer: number
  private readonly out: Ring
  private readonly in: Ring
  readonly peerWaker: Waker
  /** Frames not yet in the ring: bytes [sent, frames.len). */
  private readonly frames = new ReplyWriter(16 * 1024)
  private sent = 0
  /** The open REQUEST frame's header offset in `frames` (-1: none open) and command count. */
  private requestAt = -1
  private requestCount = 0
  /** Bytes read from the peer's ring: a partial frame waits here. */
  private readonly inbox = new ReplyWriter(16 * 1024)
  private inboxPos = 0
  readonly awaiting = new Queue<Awaited<T>>()

  constructor(peer: number, out: SharedArrayBuffer, input: SharedArrayBuffer, peerWaker: Waker) {
    this.peer = peer
    this.out = new Ring(out)
    this.in = new Ring(input)
    this.peerWaker = peerWaker
  }

  /** Queues command `a` for the peer, re-encoded as multibulk; its reply will go to `target`. */
  request(a: Args, target: T, part: number): void {
    this.openRequest()
    const f = this.frames
    f.arrayHeader(a.count)
    for (let i = 0; i < a.count; i++) f.bulkBytes(a.buf, a.start[i]!, a.end[i]!)
    this.requestCount++
    this.awaiting.push({ target, part })
  }

  /** Queues a two- or three-argument command built from strings/bytes (a part of a split command). */
  requestParts(name: Buffer, key: Args, keyIndex: number, value: number, target: T, part: number): void {
    this.openRequest()
    const f = this.frames
    f.arrayHeader(value >= 0 ? 3 : 2)
    f.bulkBytes(name, 0, name.length)
    f.bulkBytes(key.buf, key.start[keyIndex]!, key.end[keyIndex]!)
    if (value >= 0) f.bulkBytes(key.buf, key.start[value]!, key.end[value]!)
    this.requestCount++
    this.awaiting.push({ target, part })
  }

  private openRequest(): void {
    if (this.requestAt >= 0) return
    const f = this.frames
    f.ensure(FRAME_HEADER)
    this.requestAt = f.len
    f.len += FRAME_HEADER
    this.requestCount = 0
  }

  private sealRequest(): void {
    if (this.requestAt < 0) return
    this.writeHeader(this.requestAt, REQUEST, this.requestCount)
    this.requestAt = -1
  }

  private writeHeader(at: number, kind: number, n: number): void {
    const f = this.frames
    f.buf.writeUInt32LE(f.len - at - 4, at)
    f.buf[at + 4] = kind
    f.buf.writeUInt32LE(n, at + 5)
  }

  /**
   * Starts a REPLY frame for `n` commands and returns the writer the replies go to; call
   * `replyEnd(i)` after the i-th reply and `sealReply()` after the last.
   */
  beginReply(n: number): ReplyWriter {
    this.sealRequest() // frames are contiguous: close the open request frame first
    const f = this.frames
    f.ensure(FRAME_HEADER + 4 * n)
    this.replyAt = f.len
    f.len += FRAME_HEADER + 4 * n
    this.replyPayload = f.len
    this.replyN = n
    return f
  }

  private replyAt = 0
  private replyPayload = 0
  private replyN = 0

  replyEnd(i: number): void {
    const f = this.frames
    f.buf.writeUInt32LE(f.len - this.replyPayload, this.replyAt + FRAME_HEADER + 4 * i)
  }

  sealReply(): void {
    this.writeHeader(this.replyAt, REPLY, this.replyN)
  }

  /**
   * Seals what is open and writes what the ring takes. Returns whether anything was written
   * (then the peer must be woken); if some bytes did not fit, the link asks to be woken when
   * the peer has made room.
   */
  flush(): boolean {
    this.sealRequest()
    const f = this.frames
    if (this.sent === f.len) return false
    let wrote = this.out.write(f.buf, this.sent, f.len)
    this.sent += wrote
    if (this.sent < f.len) {
      this.out.setWaiting()
      const more = this.out.write(f.buf, this.sent, f.len) // the peer may have read meanwhile
      this.sent += more
      wrote += more
    }
    if (this.sent === f.len) {
      this.sent = 0
      f.reset(1024 * 1024)
    } else if (this.sent > 1024 * 1024) {
      f.buf.copyWithin(0, this.sent, f.len)
      f.len -= this.sent
      this.sent = 0
    }
    return wrote > 0
  }

  /** Whether frames wait for room in the ring. */
  get backlogged(): boolean {
    return this.sent < this.frames.len
  }

  /**
   * Reads what the peer's ring holds and calls `onFrame(kind, buf, start, end, n)` for each
   * whole frame (body bytes [start, end) of buf, after the count). Returns whether the peer
   * waited for room and must be woken.
   */
  receive(onFrame: (kind: number, buf: Buffer, start: number, end: number, n: number) => void): boolean {
    const box = this.inbox
    for (;;) {
      const available = this.in.available()
      if (available === 0) break
      box.ensure(Math.min(available, this.in.capacity))
      box.len += this.in.read(box.buf, box.len, box.buf.length - box.len)
      while (box.len - this.inboxPos >= 4) {
        const at = this.inboxPos
        const size = box.buf.readUInt32LE(at)
        if (box.len - at - 4 < size) {
          box.ensure(size + 4 - (box.len - at)) // room for the rest of a large frame
          break
        }
        onFrame(box.buf[at + 4]!, box.buf, at + FRAME_HEADER, at + 4 + size, box.buf.readUInt32LE(at + 5))
        this.inboxPos = at + 4 + size
      }
      if (this.inboxPos === box.len) {
        this.inboxPos = 0
        box.reset(1024 * 1024)
      } else if (this.inboxPos > 0) {
        box.buf.copyWithin(0, this.inboxPos, box.len)
        box.len -= this.inboxPos
        this.inboxPos = 0
      }
    }
    return this.in.takeWaiting()
  }
}
