// The string commands: GET, SET, GETSET, INCR/DECR(BY), APPEND, STRLEN, MGET, MSET, and the
// key commands DEL, EXISTS, EXPIRE/PEXPIRE, TTL/PTTL, PERSIST — Redis's replies and error
// wording (t_string.c, expire.c, db.c).

import type { Args } from './resp.ts'
import type { Ctx } from './context.ts'
import { addInt64, type Int64, mulInt64, negateInt64, parseInt64Bytes, parseInt64String } from './integers.ts'
import { MAX_BULK } from './resp.ts'
import type { Value } from './reply.ts'
import { BIG_VALUE } from './store.ts'

export const NOT_INTEGER = 'value is not an integer or out of range'
export const SYNTAX = 'syntax error'

/** Argument `i` as a stored value: a latin1 string, or a copy in a Buffer when large. */
export function valueArg(a: Args, i: number): Value {
  const s = a.start[i]!
  const e = a.end[i]!
  if (e - s <= BIG_VALUE) return a.buf.latin1Slice(s, e)
  const copy = Buffer.allocUnsafeSlow(e - s)
  a.buf.copy(copy, 0, s, e)
  return copy
}

function intArg(c: Ctx, a: Args, i: number): Int64 | null {
  const v = parseInt64Bytes(a.buf, a.start[i]!, a.end[i]!)
  if (v === null) c.out.err(NOT_INTEGER)
  return v
}

export function get(c: Ctx, a: Args): void {
  c.out.bulkOrNull(c.store.get(a.str(1)))
}

const NX = 1
const XX = 2
const GET = 4
const KEEPTTL = 8
const EX = 16
const PX = 32
const EXAT = 64
const PXAT = 128
const ANY_EXPIRE = EX | PX | EXAT | PXAT

export function set(c: Ctx, a: Args): void {
  const key = a.str(1)
  let flags = 0
  let when = -1 // the index of the expire argument
  for (let j = 3; j < a.count; j++) {
    const next = j + 1 < a.count
    if (a.is(j, 'nx') && !(flags & XX)) flags |= NX
    else if (a.is(j, 'xx') && !(flags & NX)) flags |= XX
    else if (a.is(j, 'get')) flags |= GET
    else if (a.is(j, 'keepttl') && !(flags & ANY_EXPIRE)) flags |= KEEPTTL
    else if (a.is(j, 'ex') && !(flags & (KEEPTTL | EXAT | PX | PXAT)) && next) (flags |= EX), (when = ++j)
    else if (a.is(j, 'px') && !(flags & (KEEPTTL | EX | EXAT | PXAT)) && next) (flags |= PX), (when = ++j)
    else if (a.is(j, 'exat') && !(flags & (KEEPTTL | EX | PX | PXAT)) && next) (flags |= EXAT), (when = ++j)
    else if (a.is(j, 'pxat') && !(flags & (KEEPTTL | EX | EXAT | PX)) && next) (flags |= PXAT), (when = ++j)
    else return c.out.err(SYNTAX)
  }
  let at = 0
  if (when > 0) {
    const ms = expireArg(c, a, when, (flags & (EX | EXAT)) !== 0, (flags & (EX | PX)) !== 0, 'set')
    if (ms === null) return
    at = ms
  }
  const store = c.store
  const old = flags & (GET | NX | XX) ? store.get(key) : undefined
  if (flags & GET) c.out.bulkOrNull(old)
  if ((flags & NX && old !== undefined) || (flags & XX && old === undefined)) {
    if (!(flags & GET)) c.out.nullBulk()
    return
  }
  const value = valueArg(a, 2)
  if (flags & KEEPTTL) store.replace(key, value)
  else store.set(key, value)
  if (when > 0) store.expireAt(key, at)
  if (!(flags & GET)) c.out.ok()
}

/**
 * The absolute expiry time (ms) of argument `i` for SET's EX/PX/EXAT/PXAT, or null after
 * replying the error Redis gives (getExpireMillisecondsOrReply).
 */
function expireArg(c: Ctx, a: Args, i: number, seconds: boolean, relative: boolean, command: string): number | null {
  const v = intArg(c, a, i)
  if (v === null) return null
  const invalid = () => (c.out.err(`invalid expire time in '${command}' command`), null)
  if (v <= 0) return invalid()
  let ms: Int64 | null = seconds ? mulInt64(v, 1000) : v
  if (ms === null) return invalid()
  if (relative) ms = addInt64(ms, Date.now())
  if (ms === null) return invalid()
  return Number(ms)
}

export function getset(c: Ctx, a: Args): void {
  const key = a.str(1)
  c.out.bulkOrNull(c.store.get(key))
  c.store.set(key, valueArg(a, 2))
}

function incrBy(c: Ctx, key: string, by: Int64): void {
  const store = c.store
  const old = store.get(key)
  let current: Int64 = 0
  if (old !== undefined) {
    const parsed = typeof old === 'string' ? parseInt64String(old) : null
    if (parsed === null) return c.out.err(NOT_INTEGER)
    current = parsed
  }
  const next = addInt64(current, by)
  if (next === null) return c.out.err('increment or decrement would overflow')
  store.replace(key, String(next))
  if (typeof next === 'number') c.out.int(next)
  else c.out.bigint(next)
}

export function incr(c: Ctx, a: Args): void {
  incrBy(c, a.str(1), 1)
}

export function decr(c: Ctx, a: Args): void {
  incrBy(c, a.str(1), -1)
}

export function incrby(c: Ctx, a: Args): void {
  const by = intArg(c, a, 2)
  if (by !== null) incrBy(c, a.str(1), by)
}

export function decrby(c: Ctx, a: Args): void {
  const by = intArg(c, a, 2)
  if (by === null) return
  const negated = negateInt64(by)
  if (negated === null) return c.out.err('decrement would overflow')
  incrBy(c, a.str(1), negated)
}

export function append(c: Ctx, a: Args): void {
  const key = a.str(1)
  const old = c.store.get(key)
  if (old === undefined) {
    const v = valueArg(a, 2)
    c.store.set(key, v)
    return c.out.int(v.length)
  }
  const total = old.length + a.len(2)
  if (total > MAX_BULK) return c.out.err('string exceeds maximum allowed size (proto-max-bulk-len)')
  let v: Value
  if (total <= BIG_VALUE && typeof old === 'string') v = old + a.str(2)
  else {
    v = Buffer.allocUnsafeSlow(total)
    if (typeof old === 'string') v.latin1Write(old, 0)
    else old.copy(v, 0)
    a.buf.copy(v, old.length, a.start[2]!, a.end[2]!)
  }
  c.store.replace(key, v)
  c.out.int(total)
}

export function strlen(c: Ctx, a: Args): void {
  c.out.int(c.store.get(a.str(1))?.length ?? 0)
}

export function mget(c: Ctx, a: Args): void {
  c.out.arrayHeader(a.count - 1)
  for (let i = 1; i < a.count; i++) c.out.bulkOrNull(c.store.get(a.str(i)))
}

export function mset(c: Ctx, a: Args): void {
  if (a.count % 2 === 0) return c.out.err("wrong number of arguments for 'mset' command")
  for (let i = 1; i < a.count; i += 2) c.store.set(a.str(i), valueArg(a, i + 1))
  c.out.ok()
}

export function del(c: Ctx, a: Args): void {
  let n = 0
  for (let i = 1; i < a.count; i++) if (c.store.delete(a.str(i))) n++
  c.out.int(n)
}

export function exists(c: Ctx, a: Args): void {
  let n = 0
  for (let i = 1; i < a.count; i++) if (c.store.has(a.str(i))) n++
  c.out.int(n)
}

const E_NX = 1
const E_XX = 2
const E_GT = 4
const E_LT = 8

function expireGeneric(c: Ctx, a: Args, seconds: boolean, command: string): void {
  let flags = 0
  for (let j = 3; j < a.count; j++) {
    if (a.is(j, 'nx')) flags |= E_NX
    else if (a.is(j, 'xx')) flags |= E_XX
    else if (a.is(j, 'gt')) flags |= E_GT
    else if (a.is(j, 'lt')) flags |= E_LT
    else return c.out.err(`Unsupported option ${a.str(j)}`)
  }
  if (flags & E_NX && flags & (E_XX | E_GT | E_LT)) {
    return c.out.err('NX and XX, GT or LT options at the same time are not compatible')
  }
  if (flags & E_GT && flags & E_LT) return c.out.err('GT and LT options at the same time are not compatible')
  const v = intArg(c, a, 2)
  if (v === null) return
  const ms = seconds ? mulInt64(v, 1000) : v
  const at = ms === null ? null : addInt64(ms, Date.now())
  if (at === null) return c.out.err(`invalid expire time in '${command}' command`)
  const when = Number(at)
  const key = a.str(1)
  const store = c.store
  if (store.get(key) === undefined) return c.out.int(0)
  if (flags) {
    const current = store.expiryOf(key)
    if (flags & E_NX && current !== -1) return c.out.int(0)
    if (flags & E_XX && current === -1) return c.out.int(0)
    if (flags & E_GT && (current === -1 || when <= current)) return c.out.int(0)
    if (flags & E_LT && current !== -1 && when >= current) return c.out.int(0)
  }
  if (when <= Date.now()) store.delete(key)
  else store.expireAt(key, when)
  c.out.int(1)
}

export function expire(c: Ctx, a: Args): void {
  expireGeneric(c, a, true, 'expire')
}

export function pexpire(c: Ctx, a: Args): void {
  expireGeneric(c, a, false, 'pexpire')
}

function ttlGeneric(c: Ctx, a: Args, ms: boolean): void {
  const key = a.str(1)
  if (c.store.get(key) === undefined) return c.out.int(-2)
  const at = c.store.expiryOf(key)
  if (at === -1) return c.out.int(-1)
  const left = Math.max(0, at - Date.now())
  c.out.int(ms ? left : Math.floor((left + 500) / 1000))
}

export function ttl(c: Ctx, a: Args): void {
  ttlGeneric(c, a, false)
}

export function pttl(c: Ctx, a: Args): void {
  ttlGeneric(c, a, true)
}

export function persist(c: Ctx, a: Args): void {
  const key = a.str(1)
  c.out.int(c.store.get(key) !== undefined && c.store.persist(key) ? 1 : 0)
}
