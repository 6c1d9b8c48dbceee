// The RESP2 request parser: multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`, what clients send) and
// inline commands (`PING\r\n`, `set k "v w"\r\n`: what telnet, redis-cli's PING_INLINE and
// redis-benchmark's PING_INLINE send), as Redis's networking.c parses them — the same limits and
// the same protocol-error wording.
//
// It allocates nothing per command: it works on the caller's Buffer with offsets and leaves
// each argument as a byte range [start[i], end[i]) of that Buffer in an `Args` that is reused
// from command to command. Inline arguments are unquoted in place (unescaping only shrinks).

/** Redis's PROTO_INLINE_MAX_SIZE: an inline line, or a `*`/`$` count line, may be this long. */
export const INLINE_MAX = 64 * 1024
/** Redis's default proto-max-bulk-len (512 MiB). */
export const MAX_BULK = 512 * 1024 * 1024
const INT_MAX = 0x7fff_ffff

const CR = 13
const LF = 10

/** One parsed command: its arguments as byte ranges of `buf`. Reused from command to command. */
export class Args {
  buf: Buffer = Buffer.alloc(0)
  count = 0
  start = new Int32Array(16)
  end = new Int32Array(16)
  /** Where the whole command lies in `buf` (to forward it to another worker as it came). */
  rawStart = 0
  rawEnd = 0

  /** Argument `i` as a latin1 string (one char per byte: binary-safe). */
  str(i: number): string {
    return this.buf.latin1Slice(this.start[i]!, this.end[i]!)
  }

  /** Length in bytes of argument `i`. */
  len(i: number): number {
    return this.end[i]! - this.start[i]!
  }

  /** Whether argument `i` equals `lower` (lowercase letters, digits, '-') ignoring case. */
  is(i: number, lower: string): boolean {
    const s = this.start[i]!
    if (this.end[i]! - s !== lower.length) return false
    const b = this.buf
    for (let j = 0; j < lower.length; j++) {
      const c = b[s + j]!
      if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== lower.charCodeAt(j)) return false
    }
    return true
  }

  push(s: number, e: number): void {
    if (this.count === this.start.length) {
      const start = new Int32Array(this.count * 2)
      start.set(this.start)
      const end = new Int32Array(this.count * 2)
      end.set(this.end)
      this.start = start
      this.end = end
    }
    this.start[this.count] = s
    this.end[this.count] = e
    this.count++
  }
}

/** `parse` found no complete command in the bytes given. */
export const INCOMPLETE = -1
/** `parse` found a protocol error: `parser.error` says which; reply it and close. */
export const PROTOCOL_ERROR = -2

/**
 * The parser: `parse(buf, pos, end, args)` reads one command starting at `pos`. It returns the
 * offset just past it (`args.count` may be 0: an empty command, which Redis skips), or
 * INCOMPLETE (then `need` is the byte count from `pos` that must be present before another try
 * can succeed: a lower bound), or PROTOCOL_ERROR.
 */
export class RequestParser {
  /** The message after "-ERR Protocol error: " of the last PROTOCOL_ERROR. */
  error = ''
  /** After INCOMPLETE: at least this many bytes from `pos` are needed. */
  need = 0

  parse(buf: Buffer, pos: number, end: number, args: Args): number {
    args.buf = buf
    args.count = 0
    args.rawStart = pos
    if (buf[pos] === 42 /* '*' */) return this.multibulk(buf, pos, end, args)
    return this.inline(buf, pos, end, args)
  }

  private fail(message: string): number {
    this.error = message
    return PROTOCOL_ERROR
  }

  private incomplete(pos: number, needEnd: number): number {
    this.need = needEnd - pos
    return INCOMPLETE
  }

  private multibulk(buf: Buffer, pos: number, end: number, args: Args): number {
    const cr = buf.indexOf(CR, pos + 1)
    if (cr < 0 || cr >= end) {
      if (end - pos > INLINE_MAX) return this.fail('too big mbulk count string')
      return this.incomplete(pos, end + 1)
    }
    if (cr + 1 >= end) return this.incomplete(pos, cr + 2) // Redis waits for the "\n" too
    const n = parseCount(buf, pos + 1, cr)
    if (n === BAD || n > INT_MAX) return this.fail('invalid multibulk length')
    let p = cr + 2
    if (n <= 0) {
      args.rawEnd = p
      return p // an empty command: skipped
    }
    for (let i = 0; i < n; i++) {
      if (p >= end) return this.incomplete(pos, p + 1)
      if (buf[p] !== 36 /* '$' */) return this.fail(`expected '$', got '${String.fromCharCode(buf[p]!)}'`)
      const lcr = buf.indexOf(CR, p + 1)
      if (lcr < 0 || lcr >= end) {
        if (end - p > INLINE_MAX) return this.fail('too big bulk count string')
        return this.incomplete(pos, end + 1)
      }
      if (lcr + 1 >= end) return this.incomplete(pos, lcr + 2)
      const len = parseCount(buf, p + 1, lcr)
      if (len === BAD || len < 0 || len > MAX_BULK) return this.fail('invalid bulk length')
      const s = lcr + 2
      // Redis takes the two bytes after the data as its "\r\n" without looking at them.
      if (s + len + 2 > end) return this.incomplete(pos, s + len + 2)
      args.push(s, s + len)
      p = s + len + 2
    }
    args.rawEnd = p
    return p
  }

  private inline(buf: Buffer, pos: number, end: number, args: Args): number {
    const nl = buf.indexOf(LF, pos)
    if (nl < 0 || nl >= end) {
      if (end - pos > INLINE_MAX) return this.fail('too big inline request')
      return this.incomplete(pos, end + 1)
    }
    let lineEnd = nl
    if (lineEnd > pos && buf[lineEnd - 1] === CR) lineEnd--
    if (!splitInline(buf, pos, lineEnd, args)) return this.fail('unbalanced quotes in request')
    args.rawEnd = nl + 1
    return nl + 1
  }
}

const BAD = -0x1_0000_0000

/**
 * A count (`*<n>` / `$<n>`) as Redis's string2ll reads it: an optional '-', no leading zeros,
 * no '+', nothing else. BAD if it is not one; values past 2^40 are clamped (they are invalid
 * for every use here anyway).
 */
function parseCount(buf: Buffer, s: number, e: number): number {
  const len = e - s
  if (len === 0 || len > 20) return BAD
  if (len === 1 && buf[s] === 48) return 0
  let neg = false
  let p = s
  if (buf[p] === 45 /* '-' */) {
    neg = true
    p++
    if (p === e) return BAD
  }
  let c = buf[p]!
  if (c < 49 || c > 57) return BAD
  let v = 0
  for (; p < e; p++) {
    c = buf[p]!
    if (c < 48 || c > 57) return BAD
    if (v < 2 ** 40) v = v * 10 + (c - 48)
  }
  return neg ? -v : v
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13)
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/**
 * Splits an inline line as Redis's sdssplitargs does: blanks separate arguments (and a quote
 * starts a quoted part anywhere in one); "…" takes the
 * escapes \n \r \t \b \a \\ \" and \xHH, '…' takes \'; a closing quote must be followed by a
 * blank or the end. The unquoted bytes are written back in place. False: unbalanced quotes.
 */
function splitInline(buf: Buffer, p: number, e: number, args: Args): boolean {
  const nul = buf.indexOf(0, p) // Redis splits a C string: a NUL byte ends the line
  if (nul >= 0 && nul < e) e = nul
  for (;;) {
    while (p < e && isSpace(buf[p]!)) p++
    if (p >= e) return true
    const start = p
    let w = p // where the unquoted bytes go
    let inDq = false
    let inSq = false
    for (;;) {
      if (inDq) {
        if (p >= e) return false
        const c = buf[p]!
        if (c === 92 /* \ */ && p + 3 < e && buf[p + 1] === 120 /* x */ && hexValue(buf[p + 2]!) >= 0 && hexValue(buf[p + 3]!) >= 0) {
          buf[w++] = hexValue(buf[p + 2]!) * 16 + hexValue(buf[p + 3]!)
          p += 4
        } else if (c === 92 && p + 1 < e) {
          const n = buf[p + 1]!
          buf[w++] = n === 110 ? 10 : n === 114 ? 13 : n === 116 ? 9 : n === 98 ? 8 : n === 97 ? 7 : n
          p += 2
        } else if (c === 34 /* " */) {
          if (p + 1 < e && !isSpace(buf[p + 1]!)) return false
          p++
          inDq = false
          break
        } else {
          buf[w++] = c
          p++
        }
      } else if (inSq) {
        if (p >= e) return false
        const c = buf[p]!
        if (c === 92 && p + 1 < e && buf[p + 1] === 39 /* ' */) {
          buf[w++] = 39
          p += 2
        } else if (c === 39) {
          if (p + 1 < e && !isSpace(buf[p + 1]!)) return false
          p++
          inSq = false
          break
        } else {
          buf[w++] = c
          p++
        }
      } else {
        if (p >= e) break
        const c = buf[p]!
        if (c === 32 || c === 10 || c === 13 || c === 9) break
        if (c === 34) inDq = true
        else if (c === 39) inSq = true
        else buf[w++] = c
        p++
      }
    }
    args.push(start, w)
  }
}
