// 64-bit integers as Redis reads them (util.c's string2ll): an optional '-', then digits with no
// leading zero ("0" alone is fine; "-0", "+1", "01", " 1" are not), within a signed 64-bit
// range. Up to 15 digits are read as a Number (exact); longer ones as a BigInt that is returned
// only when the value is past Number's exact range, so that INCR on small counters never
// touches BigInt.

export type Int64 = number | bigint

const I64_MIN = -(2n ** 63n)
const I64_MAX = 2n ** 63n - 1n

/** The integer in `s`, or null when it is not one (or is out of the 64-bit range). */
export function parseInt64String(s: string): Int64 | null {
  const n = s.length
  if (n === 0 || n > 20) return null
  if (n === 1 && s.charCodeAt(0) === 48) return 0
  let i = 0
  const neg = s.charCodeAt(0) === 45
  if (neg) {
    i = 1
    if (n === 1) return null
  }
  let c = s.charCodeAt(i)
  if (c < 49 || c > 57) return null
  if (n - i <= 15) {
    let v = 0
    for (; i < n; i++) {
      c = s.charCodeAt(i)
      if (c < 48 || c > 57) return null
      v = v * 10 + (c - 48)
    }
    return neg ? -v : v
  }
  for (let j = i; j < n; j++) {
    c = s.charCodeAt(j)
    if (c < 48 || c > 57) return null
  }
  const big = BigInt(s)
  if (big < I64_MIN || big > I64_MAX) return null
  return narrow(big)
}

/** The integer in bytes [s, e) of `buf`, or null (as parseInt64String). */
export function parseInt64Bytes(buf: Buffer, s: number, e: number): Int64 | null {
  const n = e - s
  if (n === 0 || n > 20) return null
  if (n <= 16) {
    // Fast path without a string: at most 15 digits after an optional '-'.
    if (n === 1 && buf[s] === 48) return 0
    let i = s
    const neg = buf[i] === 45
    if (neg) {
      i++
      if (i === e) return null
    }
    if (e - i <= 15) {
      let c = buf[i]!
      if (c < 49 || c > 57) return null
      let v = 0
      for (; i < e; i++) {
        c = buf[i]!
        if (c < 48 || c > 57) return null
        v = v * 10 + (c - 48)
      }
      return neg ? -v : v
    }
  }
  return parseInt64String(buf.latin1Slice(s, e))
}

/** A BigInt as a Number when that is exact. */
function narrow(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v
}

/** a + b, or null if the sum leaves the signed 64-bit range (Redis: "would overflow"). */
export function addInt64(a: Int64, b: Int64): Int64 | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b
    if (Number.isSafeInteger(r)) return r
  }
  const r = BigInt(a) + BigInt(b)
  if (r < I64_MIN || r > I64_MAX) return null
  return narrow(r)
}

/** -v, or null for the one value whose negation overflows (-2^63). */
export function negateInt64(v: Int64): Int64 | null {
  if (typeof v === 'number') return -v
  return v === I64_MIN ? null : narrow(-v)
}

/** a * b within the signed 64-bit range, else null (for seconds → milliseconds). */
export function mulInt64(a: Int64, b: number): Int64 | null {
  if (typeof a === 'number') {
    const r = a * b
    if (Number.isSafeInteger(r)) return r
  }
  const r = BigInt(a) * BigInt(b)
  if (r < I64_MIN || r > I64_MAX) return null
  return narrow(r)
}
