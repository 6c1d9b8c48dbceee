// Replies: one growable output buffer that commands append RESP2 replies to, reused for every
// command of a batch (everything read in one readable event), so that a batch of replies goes
// out in one write. Strings are latin1 (one char per byte), as the store keeps them.

declare global {
  // Node's Buffer has these (they back buf.toString('latin1') and buf.write(s, 'latin1')); the
  // types do not list them. Called directly they skip the encoding dispatch.
  interface Buffer {
    latin1Slice(start: number, end: number): string
    latin1Write(s: string, offset: number, length?: number): number
  }
}

/** A value as the store keeps it: a latin1 string, or a Buffer for large values. */
export type Value = string | Buffer

const OK = Buffer.from('+OK\r\n')
const NULL_BULK = Buffer.from('$-1\r\n')
const ZERO = Buffer.from(':0\r\n')
const ONE = Buffer.from(':1\r\n')
const EMPTY_ARRAY = Buffer.from('*0\r\n')

/** Below this a string is copied by a JavaScript loop; above it by latin1Write (one native call). */
const SHORT = 48

export class ReplyWriter {
  buf: Buffer
  len = 0

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial)
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n))
    this.buf.copy(next, 0, 0, this.len)
    this.buf = next
  }

  /** Drops everything; a buffer grown past `keep` bytes is replaced by a fresh one of that size. */
  reset(keep = 64 * 1024): void {
    this.len = 0
    if (this.buf.length > keep) this.buf = Buffer.allocUnsafe(keep)
  }

  bytes(src: Uint8Array, s = 0, e = src.length): void {
    const n = e - s
    this.ensure(n)
    const buf = this.buf
    let o = this.len
    if (n <= SHORT) for (let i = s; i < e; i++) buf[o++] = src[i]!
    else buf.set(src.subarray(s, e), o)
    this.len += n
  }

  private latin1(s: string): void {
    const n = s.length
    const buf = this.buf
    let o = this.len
    if (n <= SHORT) for (let i = 0; i < n; i++) buf[o++] = s.charCodeAt(i)
    else buf.latin1Write(s, o, n)
    this.len += n
  }

  private crlf(): void {
    this.buf[this.len++] = 13
    this.buf[this.len++] = 10
  }

  /** `<prefix><n>\r\n` for an integer n (|n| < 2^53). */
  private line(prefix: number, n: number): void {
    this.ensure(24)
    const buf = this.buf
    buf[this.len++] = prefix
    if (n < 0) {
      buf[this.len++] = 45
      n = -n
    }
    if (n < 10) {
      buf[this.len++] = 48 + n
    } else {
      let digits = 1
      for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++
      let o = this.len + digits
      this.len = o
      while (n >= 10) {
        const q = Math.floor(n / 10)
        buf[--o] = 48 + (n - q * 10)
        n = q
      }
      buf[--o] = 48 + n
    }
    this.crlf()
  }

  ok(): void {
    this.bytes(OK)
  }

  nullBulk(): void {
    this.bytes(NULL_BULK)
  }

  emptyArray(): void {
    this.bytes(EMPTY_ARRAY)
  }

  /** `+<s>\r\n` (s without CR or LF). */
  simple(s: string): void {
    this.ensure(s.length + 3)
    this.buf[this.len++] = 43
    this.latin1(s)
    this.crlf()
  }

  /** `-<message>\r\n`; CR and LF inside become spaces, as Redis's addReplyErrorFormat does. */
  error(message: string): void {
    this.ensure(message.length + 3)
    this.buf[this.len++] = 45
    const start = this.len
    this.latin1(message)
    for (let i = start; i < this.len; i++) if (this.buf[i] === 13 || this.buf[i] === 10) this.buf[i] = 32
    this.crlf()
  }

  /** `-ERR <message>\r\n`. */
  err(message: string): void {
    this.error(`ERR ${message}`)
  }

  int(n: number): void {
    if (n === 0) this.bytes(ZERO)
    else if (n === 1) this.bytes(ONE)
    else this.line(58, n)
  }

  /** An integer reply of a 64-bit value held as a BigInt. */
  bigint(n: bigint): void {
    this.simpleLine(58, n.toString())
  }

  private simpleLine(prefix: number, s: string): void {
    this.ensure(s.length + 3)
    this.buf[this.len++] = prefix
    this.latin1(s)
    this.crlf()
  }

  arrayHeader(n: number): void {
    this.line(42, n)
  }

  /** A bulk string of a stored value (latin1 string or Buffer). */
  bulk(v: Value): void {
    const n = v.length
    this.line(36, n)
    this.ensure(n + 2)
    if (typeof v === 'string') this.latin1(v)
    else {
      this.buf.set(v, this.len)
      this.len += n
    }
    this.crlf()
  }

  /** A bulk string of bytes [s, e) of `src`. */
  bulkBytes(src: Uint8Array, s: number, e: number): void {
    this.line(36, e - s)
    this.bytes(src, s, e)
    this.ensure(2)
    this.crlf()
  }

  /** A bulk string, or the null bulk for null/undefined. */
  bulkOrNull(v: Value | null | undefined): void {
    if (v === null || v === undefined) this.nullBulk()
    else this.bulk(v)
  }
}
