// One worker of the wakepoll kv server: its whole life is `for (;;) poll.poll(events, null)`.
// Its Poll watches the listener (a reusePort listener per worker: the kernel spreads new
// connections), the connections, a Timer (expiry's active sweep), a STOP Waker (the main thread
// ends it) and a WAKE Waker (another worker put something in this worker's rings).
//
// Per readable event: read until a short read, parse and run every whole command, one write
// for the batch (see connection.ts for buffers and back-pressure). At the end of each poll
// round: frames queued for other workers go into their rings, and each peer that got some is
// woken once.

import { Events, Interest, Poll, type Registry, type TcpListener, Timer, type Waker } from '../../index.ts'
import { execute } from './commands.ts'
import { Conn } from './connection.ts'
import { type Ctx, newSession, type ServerState, STAT, STATS_PER_WORKER } from './context.ts'
import { ReplyWriter } from './reply.ts'
import { Args, INCOMPLETE, RequestParser } from './resp.ts'
import { REPLY, REQUEST, type ShardLink } from './shard-link.ts'
import { capture, deliver, ShardRouter, type Target } from './shard-router.ts'
import { Store } from './store.ts'

export const STOP = 0
export const WAKE = 1
const TIMER = 2
const LISTENER = 3
const FIRST_CONN = 4

const RESOURCE_ERRORS = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM'])
/** Replies of one batch past this size are written out before the batch goes on. */
const FLUSH_AT = 256 * 1024
/** The active expiry sweep: every 100 ms (Redis's hz 10), at most 5 ms per tick. */
const SWEEP_EVERY_MS = 100
const SWEEP_BUDGET_MS = 5

export interface WorkerParts {
  poll: Poll
  listener: TcpListener
  server: ServerState
  /** One per worker (null for this one); empty with a single worker. */
  links: (ShardLink<Target> | null)[]
  stop: Waker
  wake: Waker
}

export class KvWorker {
  private readonly poll: Poll
  private readonly registry: Registry
  private readonly events = new Events(1024)
  private readonly listener: TcpListener
  private readonly timer = new Timer()
  private timerArmed = false
  private readonly conns: (Conn | undefined)[] = []
  private readonly freeTokens: number[] = []
  private readonly freedThisRound: number[] = []
  private readonly readBuf = Buffer.allocUnsafe(64 * 1024)
  private readonly out = new ReplyWriter(256 * 1024)
  private readonly parser = new RequestParser()
  private readonly args = new Args()
  private readonly store = new Store()
  private readonly server: ServerState
  private readonly ctx: Ctx
  private readonly peerCtx: Ctx
  private readonly links: (ShardLink<Target> | null)[]
  private readonly router: ShardRouter | null
  private readonly stats: Float64Array
  private readonly statBase: number
  private nextClient = 1
  private readonly parts: WorkerParts

  constructor(parts: WorkerParts) {
    this.parts = parts
    this.poll = parts.poll
    this.registry = parts.poll.registry
    this.listener = parts.listener
    this.server = parts.server
    this.links = parts.links
    this.router = parts.links.length > 1 ? new ShardRouter(parts.server.worker, parts.links) : null
    this.stats = parts.server.stats
    this.statBase = parts.server.worker * STATS_PER_WORKER
    this.ctx = { store: this.store, session: newSession(0), server: this.server, out: this.out }
    this.peerCtx = { store: this.store, session: newSession(0), server: this.server, out: this.out }
    this.registry.register(this.listener, LISTENER, Interest.READABLE)
    this.registry.register(this.timer, TIMER, Interest.READABLE)
    this.store.onExpiring = () => {
      if (this.timerArmed) return
      this.timer.reset(SWEEP_EVERY_MS, SWEEP_EVERY_MS)
      this.timerArmed = true
    }
  }

  /** Runs until the STOP Waker fires; then closes everything it holds. */
  run(): void {
    const events = this.events
    for (;;) {
      this.poll.poll(events, null)
      const n = events.length
      for (let i = 0; i < n; i++) {
        const token = events.token(i)
        if (token >= FIRST_CONN) {
          const conn = this.conns[token - FIRST_CONN]
          if (conn !== undefined) this.onConn(conn, events.isReadable(i) || events.isError(i), events.isReadClosed(i), events.isWritable(i))
        } else if (token === LISTENER) {
          this.accept()
        } else if (token === WAKE) {
          this.onWake()
        } else if (token === TIMER) {
          this.onTimer()
        } else if (token === STOP) {
          return this.close()
        }
      }
      this.endRound()
    }
  }

  private accept(): void {
    for (let failed = 0; failed < 64; ) {
      let accepted
      try {
        accepted = this.listener.accept()
      } catch (err) {
        // Out of descriptors or memory: the connections left in the backlog wait for the next
        // one's event. Anything else concerned that one connection: go on with the others.
        if (RESOURCE_ERRORS.has((err as { code?: string }).code ?? '')) return
        failed++
        continue
      }
      if (accepted === null) return
      const [stream] = accepted
      stream.setNodelay(true)
      const index = this.freeTokens.pop() ?? this.conns.length
      const id = this.nextClient++ * this.server.workers + this.server.worker
      const conn = new Conn(FIRST_CONN + index, stream, newSession(id))
      this.conns[index] = conn
      this.registry.register(stream, conn.token, Interest.READABLE)
      this.stats[this.statBase + STAT.connectedClients]!++
      this.stats[this.statBase + STAT.totalConnections]!++
    }
  }

  private onConn(conn: Conn, readable: boolean, readClosed: boolean, writable: boolean): void {
    try {
      if (writable && conn.pendingBytes > 0) {
        if (conn.flushPending(this.registry) && conn.paused && !conn.overLimit(0)) this.resume(conn)
      }
      if ((readable || readClosed) && !conn.paused && !conn.closing) this.read(conn, readClosed)
      if (conn.closing) this.closeIfDone(conn)
    } catch {
      // ECONNRESET, EPIPE: the client went away. Replies it was owed may still be in the
      // batch (a read failed after commands ran): they go with it, not to the next connection.
      this.out.reset(1024 * 1024)
      this.closeConn(conn)
    }
  }

  /** Reads and runs until the socket is drained; `readClosed`: the peer's FIN came with this event. */
  private read(conn: Conn, readClosed: boolean): void {
    for (;;) {
      let buf: Buffer = this.readBuf
      let off = 0
      let room = buf.length
      if (conn.inputLen > 0) {
        room = conn.inputRoom()
        buf = conn.input!
        off = conn.inputLen
      }
      const n = conn.stream.read(buf, off, room)
      if (n === null) break
      if (n === 0) {
        conn.closing = true // end of input: what was read is answered, then it closes
        break
      }
      if (buf === this.readBuf) {
        this.runCommands(conn, buf, 0, n)
      } else {
        conn.inputLen += n
        if (conn.inputLen >= conn.need) this.runCommands(conn, buf, 0, conn.inputLen)
      }
      if (conn.paused || conn.closing) break
      // A short read drained the socket: the next data brings a new event. Not so the end of
      // input when it came with this event: then read on until read() says 0.
      if (n < room && !readClosed) break
    }
    this.flushBatch(conn)
    if (conn.paused && !conn.overLimit(0)) this.resume(conn) // the batch that paused it went out whole
  }

  /** Parses and runs the whole commands in buf[pos, end); keeps a partial one in conn.input. */
  private runCommands(conn: Conn, buf: Buffer, pos: number, end: number): void {
    const { parser, args, ctx, out } = this
    ctx.session = conn.session
    let ran = 0
    while (pos < end) {
      const next = parser.parse(buf, pos, end, args)
      if (next < 0) {
        if (next === INCOMPLETE) {
          conn.keepInput(buf, pos, end, parser.need)
          this.stats[this.statBase + STAT.commandsProcessed]! += ran
          return
        }
        const mark = out.len
        out.err(`Protocol error: ${parser.error}`)
        capture(conn, out, mark)
        conn.closing = true
        break
      }
      pos = next
      if (args.count === 0) continue
      ran++
      const mark = out.len
      try {
        if (this.router === null) execute(ctx, args)
        else this.router.dispatch(ctx, conn, args)
      } catch (err) {
        // A bug in a command must not take the worker, and every other client, down with it.
        out.len = mark
        out.err(`internal error: ${(err as Error).message}`)
        capture(conn, out, mark)
      }
      if (conn.session.closeAfterReply) {
        conn.closing = true
        break
      }
      if (conn.overLimit(out.len)) {
        conn.paused = true
        if (pos < end) conn.keepInput(buf, pos, end, 0)
        else conn.clearInput()
        conn.updateInterest(this.registry)
        this.stats[this.statBase + STAT.commandsProcessed]! += ran
        return
      }
      if (out.len > FLUSH_AT) this.flushBatch(conn)
    }
    conn.clearInput()
    this.stats[this.statBase + STAT.commandsProcessed]! += ran
  }

  /** Writes the batch's replies (this.out) to the connection. */
  private flushBatch(conn: Conn): void {
    const out = this.out
    if (out.len === 0) return
    try {
      conn.send(this.registry, out.buf, 0, out.len)
    } finally {
      out.reset(1024 * 1024)
    }
    const maxAt = this.statBase + STAT.maxOutputBuffer
    if (conn.pendingBytes > this.stats[maxAt]!) this.stats[maxAt] = conn.pendingBytes
  }

  /**
   * The output went out (or fitted in the socket after all): run what was read but not run,
   * and read again. A loop, since running the kept input may fill the output again — and that
   * output may again fit at once.
   */
  private resume(conn: Conn): void {
    while (conn.paused && !conn.closed && !conn.overLimit(0)) {
      conn.paused = false
      if (conn.inputLen > 0) {
        this.runCommands(conn, conn.input!, 0, conn.inputLen)
        this.flushBatch(conn)
      }
    }
    if (!conn.closed) conn.updateInterest(this.registry) // READABLE again: re-armed, it reports data already there
  }

  private closeIfDone(conn: Conn): void {
    if (!conn.closed && conn.pendingBytes === 0 && conn.slots.length === 0) this.closeConn(conn)
  }

  private closeConn(conn: Conn): void {
    if (conn.closed) return
    conn.closed = true
    conn.stream.close()
    conn.pending = []
    conn.slots = []
    conn.input = null
    this.conns[conn.token - FIRST_CONN] = undefined
    this.freedThisRound.push(conn.token - FIRST_CONN)
    this.stats[this.statBase + STAT.connectedClients]!--
  }

  private onTimer(): void {
    this.timer.waitTimeout(0) // consume the expirations
    this.store.sweep(SWEEP_BUDGET_MS)
    if (this.store.expires.size === 0 && this.timerArmed) {
      this.timer.clear()
      this.timerArmed = false
    }
  }

  /** Another worker wrote to one of our rings (requests or replies), or made room in one. */
  private onWake(): void {
    for (const link of this.links) {
      if (link === null) continue
      const peerWaited = link.receive((kind, buf, s, e, n) => {
        if (kind === REQUEST) this.runForwarded(link, buf, s, e, n)
        else if (kind === REPLY) this.takeReplies(link, buf, s, n)
      })
      if (peerWaited) wake(link.peerWaker)
    }
  }

  /** Runs the n commands of a REQUEST frame on this shard; their replies go back in one REPLY frame. */
  private runForwarded(link: ShardLink<Target>, buf: Buffer, s: number, e: number, n: number): void {
    const ctx = this.peerCtx
    ctx.out = link.beginReply(n)
    let pos = s
    for (let i = 0; i < n; i++) {
      const next = this.parser.parse(buf, pos, e, this.args)
      if (next < 0) throw new Error(`kv: a malformed frame from worker ${link.peer}`)
      execute(ctx, this.args)
      link.replyEnd(i)
      pos = next
    }
    link.sealReply()
    this.stats[this.statBase + STAT.commandsProcessed]! += n
  }

  private takeReplies(link: ShardLink<Target>, buf: Buffer, s: number, n: number): void {
    const payload = s + 4 * n
    let from = payload
    for (let i = 0; i < n; i++) {
      const to = payload + buf.readUInt32LE(s + 4 * i)
      const awaited = link.awaiting.shift()!
      if (deliver(awaited.target, awaited.part, buf, from, to)) this.drainSlots(awaited.target.conn)
      from = to
    }
  }

  /** Sends the connection's filled slots from the front, in order. */
  private drainSlots(conn: Conn): void {
    if (conn.closed) return
    try {
      const slots = conn.slots
      let k = 0
      while (k < slots.length && slots[k]!.data !== null) {
        const data = slots[k]!.data!
        conn.send(this.registry, data, 0, data.length)
        k++
      }
      if (k > 0) slots.splice(0, k)
      if (conn.paused && !conn.overLimit(0)) this.resume(conn)
      if (conn.closing) this.closeIfDone(conn)
    } catch {
      this.closeConn(conn)
    }
  }

  private endRound(): void {
    for (const link of this.links) {
      if (link !== null && link.flush()) wake(link.peerWaker)
    }
    if (this.freedThisRound.length > 0) {
      // Tokens of connections closed in this round are reused only now: a later event of the
      // same round for that token must not reach a new connection.
      for (const t of this.freedThisRound) this.freeTokens.push(t)
      this.freedThisRound.length = 0
    }
    this.stats[this.statBase + STAT.keys] = this.store.size
    this.stats[this.statBase + STAT.expires] = this.store.expires.size
  }

  private close(): void {
    for (const conn of this.conns) if (conn !== undefined) this.closeConn(conn)
    this.listener.close()
    this.timer.close()
    this.parts.stop.close()
    this.parts.wake.close()
    this.poll.close()
  }
}

/** Wakes a peer; at shutdown the peer may have closed its Waker already (ERR_CLOSED): nothing to do. */
function wake(waker: Waker): void {
  try {
    waker.wake()
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ERR_CLOSED') throw err
  }
}
