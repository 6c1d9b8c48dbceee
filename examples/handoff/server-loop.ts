// The echo server of the handoff example: its whole event loop runs in this worker, blocked in
// one Poll, and never returns to the worker's event loop. Beside the echo (as in
// examples/echo/server-wakepoll.ts) it listens on a control Unix socket for a successor:
//
// giving  a successor connects to the control socket and writes "H". This loop stops accepting
//         and reading, flushes every byte it owes its clients, then sends the listener and
//         each connection over that Unix stream with sendWithFds — "L" + [listener], "C" +
//         up to 253 connections per message, "E" — closes its own copies and ends.
// taking  (workerData.from: the predecessor's control socket) connects there, writes "H", and
//         adopts what arrives (TcpListener.fromFd, TcpStream.fromFd), serving each at once.
//
// Nothing is lost in between: bytes a client sends meanwhile wait in the kernel's buffer of
// their socket, which moves with the descriptor; connections that arrive wait in the
// listener's backlog, which moves with the listener (never closed while nobody holds it).

import { parentPort, workerData } from 'node:worker_threads'

import { Events, Interest, MAX_FDS_PER_MESSAGE, Poll, TcpListener, TcpStream, UnixListener, UnixStream } from '../../index.ts'

export interface ServerData {
  control: string // this server's control socket path
  from?: string // the predecessor's, when taking over
}
export type ServerReport =
  | { kind: 'listening'; port: number }
  | { kind: 'took-over'; connections: number; port: number }
  | { kind: 'handed-over'; connections: number }

const { control: controlPath, from } = workerData as ServerData
const LISTENER = 1
const CONTROL = 2
const PEER = 3 // the control connection: a successor's (giving), or to the predecessor (taking)
const FIRST_CONN = 16
const HANG_MS = 10_000

interface Conn {
  stream: TcpStream
  pending: Buffer[] // echo bytes owed to the client, oldest first
  writable: boolean
}

const poll = new Poll()
const events = new Events(1024)
const conns = new Map<number, Conn>()
const buf = Buffer.allocUnsafe(64 * 1024)
const tag = Buffer.alloc(1)
let nextToken = FIRST_CONN
let listener: TcpListener | null = null
let peer: UnixStream | null = null
const control = UnixListener.bind(controlPath)
poll.registry.register(control, CONTROL, Interest.READABLE)

const report = (r: ServerReport) => parentPort!.postMessage(r)

// ---------------------------------------------------------------- the echo

function close(token: number, conn: Conn): void {
  conns.delete(token)
  conn.stream.close()
}

function send(token: number, conn: Conn, length: number): void {
  let off = 0
  while (conn.pending.length === 0 && off < length) {
    const n = conn.stream.write(buf, off, length - off)
    if (n === null) break
    off += n
  }
  if (off === length) return
  conn.pending.push(Buffer.from(buf.subarray(off, length))) // `buf` is reused: keep a copy
  if (!conn.writable) {
    poll.registry.reregister(conn.stream, token, Interest.READABLE | Interest.WRITABLE)
    conn.writable = true
  }
}

/** Writes what is owed; false when the socket is full. */
function flush(conn: Conn): boolean {
  while (conn.pending.length > 0) {
    const head = conn.pending[0]!
    const n = conn.stream.write(head)
    if (n === null) return false
    if (n < head.length) conn.pending[0] = head.subarray(n)
    else conn.pending.shift()
  }
  return true
}

function onConn(token: number, conn: Conn, readable: boolean, readClosed: boolean, writable: boolean): void {
  try {
    if (writable && flush(conn) && conn.writable) {
      poll.registry.reregister(conn.stream, token, Interest.READABLE)
      conn.writable = false
    }
    if (!readable) return
    for (;;) {
      const n = conn.stream.read(buf)
      if (n === null) return
      if (n === 0) return close(token, conn)
      send(token, conn, n)
      // A short read drained it (a wakepoll guarantee), unless this event also brought the
      // peer's FIN: no later event says that, so read on to the 0.
      if (n < buf.length && !readClosed) return
    }
  } catch {
    close(token, conn) // ECONNRESET, EPIPE: the client went away
  }
}

function adopt(stream: TcpStream): void {
  const token = nextToken++
  const conn = { stream, pending: [], writable: false }
  conns.set(token, conn)
  poll.registry.register(stream, token, Interest.READABLE)
  onConn(token, conn, true, true, false) // what came while nobody read (a FIN too): now
}

function acceptAll(): void {
  for (let a = listener!.accept(); a !== null; a = listener!.accept()) {
    a[0].setNodelay(true)
    adopt(a[0])
  }
}

// ---------------------------------------------------------------- giving

/** Polls until `token` reports (other events wait: this loop serves nobody now). */
function waitFor(token: number): void {
  const deadline = performance.now() + HANG_MS
  for (;;) {
    const left = deadline - performance.now()
    if (left <= 0) throw new Error(`handoff: token ${token} never became ready`)
    poll.poll(events, left)
    for (const event of events) if (event.token === token) return
  }
}

function sendTagged(letter: string, fds: Array<TcpListener | TcpStream>): void {
  tag[0] = letter.charCodeAt(0)
  while (peer!.sendWithFds(tag, fds) === null) waitFor(PEER)
}

function handOver(): number {
  poll.registry.deregister(listener!) // no accept from now on; the backlog moves with it
  for (const [token, conn] of conns) {
    poll.registry.deregister(conn.stream) // no read from now on
    try {
      // Flush what is owed, waiting for this socket alone.
      poll.registry.register(conn.stream, token, Interest.WRITABLE)
      while (!flush(conn)) waitFor(token)
      poll.registry.deregister(conn.stream)
    } catch {
      close(token, conn) // the client went away: nothing to hand over
    }
  }
  sendTagged('L', [listener!])
  const streams = [...conns.values()].map((c) => c.stream)
  for (let i = 0; i < streams.length; i += MAX_FDS_PER_MESSAGE) sendTagged('C', streams.slice(i, i + MAX_FDS_PER_MESSAGE))
  sendTagged('E', [])
  // Our copies go; the successor's (in flight, or received) keep every socket open.
  for (const [token, conn] of conns) close(token, conn)
  listener!.close()
  return streams.length
}

// ---------------------------------------------------------------- taking

let taken = 0

/** Reads the predecessor's messages: one byte each, with its descriptors. True at "E". */
function takeOver(): boolean {
  for (;;) {
    const got = peer!.recvWithFds(tag, MAX_FDS_PER_MESSAGE)
    if (got === null) return false
    if (got.bytes === 0) throw new Error('handoff: the predecessor hung up before "E"')
    const letter = String.fromCharCode(tag[0]!)
    if (letter === 'L') {
      listener = TcpListener.fromFd(got.fds[0]!)
      poll.registry.register(listener, LISTENER, Interest.READABLE)
      acceptAll()
    } else if (letter === 'C') {
      for (const fd of got.fds) adopt(TcpStream.fromFd(fd))
      taken += got.fds.length
    } else if (letter === 'E') {
      return true
    }
  }
}

if (from === undefined) {
  listener = TcpListener.bind({ address: '127.0.0.1', port: 0, backlog: 4096 })
  poll.registry.register(listener, LISTENER, Interest.READABLE)
  report({ kind: 'listening', port: listener.localAddress().port })
} else {
  peer = UnixStream.connect(from)
  poll.registry.register(peer, PEER, Interest.READABLE | Interest.WRITABLE)
  waitFor(PEER) // connected
  tag[0] = 'H'.charCodeAt(0)
  if (peer.write(tag) !== 1) throw new Error('handoff: could not ask')
}

/** Whether the control connection's successor asked for the handoff ("H"). */
function asked(): boolean {
  return peer!.read(tag) === 1 && tag[0] === 'H'.charCodeAt(0)
}

let taking = from !== undefined // until the predecessor's "E"
loop: for (;;) {
  poll.poll(events, null)
  for (const event of events) {
    const token = event.token
    if (token === LISTENER) {
      acceptAll()
    } else if (token === CONTROL) {
      const accepted = control.accept()
      if (accepted === null || peer !== null) continue
      peer = accepted[0]
      poll.registry.register(peer, PEER, Interest.READABLE | Interest.WRITABLE)
      // Its "H" may be there already (registering reports it too; reading now is enough).
      if (asked()) {
        report({ kind: 'handed-over', connections: handOver() })
        break loop
      }
    } else if (token === PEER) {
      if (!event.isReadable()) continue
      if (taking) {
        if (!takeOver()) continue
        taking = false
        peer!.close()
        peer = null
        report({ kind: 'took-over', connections: taken, port: listener!.localAddress().port })
      } else if (asked()) {
        report({ kind: 'handed-over', connections: handOver() })
        break loop
      }
    } else {
      const conn = conns.get(token)
      if (conn) onConn(token, conn, event.isReadable() || event.isReadClosed(), event.isReadClosed(), event.isWritable())
    }
  }
}

peer?.close()
control.close()
poll.close()
