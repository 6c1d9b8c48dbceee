// Where a command runs when there are several workers: the keyspace is split by a hash of the
// key, each shard owned by one worker. A command whose keys are all in this worker's shard runs
// here at once; one whose keys are all in another shard goes whole to that shard's owner; one
// whose keys are spread (MGET, MSET, DEL, EXISTS) or that concerns every shard (DBSIZE,
// FLUSHALL) is split into parts, one per key or per shard, whose replies are put together once
// the last arrives (a Gather).
//
// Replies stay in request order per connection however deep the pipeline: while a connection
// awaits a reply from another worker, the replies of its later commands are kept in its slots
// behind it (connection.ts).

import type { Args } from './resp.ts'
import { type Command, execute, findCommand, arityOk } from './commands.ts'
import type { Conn, Gather, Slot } from './connection.ts'
import type { Ctx } from './context.ts'
import { valueArg } from './cmd-strings.ts'
import type { ReplyWriter } from './reply.ts'
import type { ShardLink } from './shard-link.ts'

/** A slot and the connection it belongs to: what a forwarded command's reply is for. */
export interface Target {
  conn: Conn
  slot: Slot
}

const GET = Buffer.from('GET')
const SET = Buffer.from('SET')
const DEL = Buffer.from('DEL')
const EXISTS = Buffer.from('EXISTS')
const OK = Buffer.from('+OK\r\n')

/** The shard of the key in bytes [s, e) of buf: FNV-1a, modulo the worker count. */
export function shardOf(buf: Uint8Array, s: number, e: number, workers: number): number {
  let h = 0x811c9dc5
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193)
  return (h >>> 0) % workers
}

export class ShardRouter {
  private readonly me: number
  private readonly workers: number
  private readonly links: (ShardLink<Target> | null)[]
  /** The owner of each key of the command being split (reused). */
  private owners = new Int32Array(64)

  constructor(me: number, links: (ShardLink<Target> | null)[]) {
    this.me = me
    this.workers = links.length
    this.links = links
  }

  /** Runs or forwards command `a` of `conn`; local replies go to ctx.out (ordered by `capture`). */
  dispatch(ctx: Ctx, conn: Conn, a: Args): void {
    const out = ctx.out
    const mark = out.len
    const cmd = findCommand(a)
    if (cmd === undefined || !arityOk(cmd, a.count) || cmd.route === 'none') {
      execute(ctx, a)
      return capture(conn, out, mark)
    }
    if (cmd.route === 'one') {
      const owner = shardOf(a.buf, a.start[1]!, a.end[1]!, this.workers)
      if (owner === this.me) {
        execute(ctx, a)
        return capture(conn, out, mark)
      }
      return this.forward(conn, owner, a)
    }
    if (cmd.route === 'pairs' && a.count % 2 === 0) {
      execute(ctx, a) // MSET's own arity error
      return capture(conn, out, mark)
    }
    if (cmd.route === 'all') return this.broadcast(ctx, conn, cmd, a)
    this.split(ctx, conn, cmd, a, mark)
  }

  private forward(conn: Conn, owner: number, a: Args): void {
    const slot: Slot = { data: null, gather: null }
    conn.slots.push(slot)
    conn.inflight++
    this.links[owner]!.request(a, { conn, slot }, -1)
  }

  /** MGET, MSET, DEL, EXISTS: whole to one shard when its keys are all there, else one part per key. */
  private split(ctx: Ctx, conn: Conn, cmd: Command, a: Args, mark: number): void {
    const step = cmd.route === 'pairs' ? 2 : 1
    const keys = (a.count - 1) / step
    if (this.owners.length < keys) this.owners = new Int32Array(keys * 2)
    const owners = this.owners
    let first = -1
    let same = true
    for (let k = 0; k < keys; k++) {
      const i = 1 + k * step
      const o = shardOf(a.buf, a.start[i]!, a.end[i]!, this.workers)
      owners[k] = o
      if (first === -1) first = o
      else if (o !== first) same = false
    }
    if (same) {
      if (first === this.me) {
        execute(ctx, a)
        return capture(conn, ctx.out, mark)
      }
      return this.forward(conn, first, a)
    }
    const kind = cmd.name === 'mget' ? 'mget' : cmd.name === 'mset' ? 'ok' : 'sum'
    const gather: Gather = { kind, parts: kind === 'mget' ? new Array<Buffer | null>(keys).fill(null) : [], remaining: keys, sum: 0, error: null }
    const slot: Slot = { data: null, gather }
    const store = ctx.store
    const out = ctx.out
    for (let k = 0; k < keys; k++) {
      const i = 1 + k * step
      if (owners[k] !== this.me) {
        conn.inflight++
        const name = cmd.name === 'mget' ? GET : cmd.name === 'mset' ? SET : cmd.name === 'del' ? DEL : EXISTS
        this.links[owners[k]!]!.requestParts(name, a, i, step === 2 ? i + 1 : -1, { conn, slot }, k)
        continue
      }
      const key = a.str(i)
      gather.remaining--
      if (cmd.name === 'mget') {
        const at = out.len
        out.bulkOrNull(store.get(key))
        gather.parts[k] = Buffer.from(out.buf.subarray(at, out.len))
        out.len = at
      } else if (cmd.name === 'mset') {
        store.set(key, valueArg(a, i + 1))
      } else if (cmd.name === 'del') {
        if (store.delete(key)) gather.sum++
      } else if (store.has(key)) {
        gather.sum++
      }
    }
    conn.slots.push(slot)
  }

  /** DBSIZE, FLUSHALL: this shard now, every other by a forwarded copy; the replies combined. */
  private broadcast(ctx: Ctx, conn: Conn, cmd: Command, a: Args): void {
    const gather: Gather = { kind: cmd.name === 'dbsize' ? 'sum' : 'ok', parts: [], remaining: this.workers - 1, sum: 0, error: null }
    const out = ctx.out
    const at = out.len
    execute(ctx, a)
    if (out.buf[at] === 45 /* '-' */) gather.error = Buffer.from(out.buf.subarray(at, out.len))
    else if (gather.kind === 'sum') gather.sum += ctx.store.size
    out.len = at
    const slot: Slot = { data: null, gather }
    for (let w = 0; w < this.workers; w++) {
      if (w === this.me) continue
      conn.inflight++
      this.links[w]!.request(a, { conn, slot }, w)
    }
    conn.slots.push(slot)
  }
}

/**
 * After a command ran here: if the connection awaits replies from other workers, its reply
 * (out[mark, len)) must wait behind them — moved into a filled slot.
 */
export function capture(conn: Conn, out: ReplyWriter, mark: number): void {
  if (conn.slots.length === 0) return
  conn.slots.push({ data: Buffer.from(out.buf.subarray(mark, out.len)), gather: null })
  out.len = mark
}

/** Puts the reply bytes [s, e) of buf where `target` says; true when its slot is now filled. */
export function deliver(target: Target, part: number, buf: Buffer, s: number, e: number): boolean {
  const { slot } = target
  target.conn.inflight--
  const g = slot.gather
  if (g === null) {
    slot.data = Buffer.from(buf.subarray(s, e))
    return true
  }
  if (buf[s] === 45 && g.error === null) g.error = Buffer.from(buf.subarray(s, e))
  else if (g.kind === 'mget') g.parts[part] = Buffer.from(buf.subarray(s, e))
  else if (g.kind === 'sum') g.sum += Number(buf.latin1Slice(s + 1, e - 2))
  if (--g.remaining > 0) return false
  slot.data = combine(g)
  return true
}

function combine(g: Gather): Buffer {
  if (g.error !== null) return g.error
  if (g.kind === 'ok') return OK
  if (g.kind === 'sum') return Buffer.from(`:${g.sum}\r\n`)
  return Buffer.concat([Buffer.from(`*${g.parts.length}\r\n`), ...(g.parts as Buffer[])])
}
