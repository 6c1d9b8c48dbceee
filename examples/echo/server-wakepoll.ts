// The echo server on wakepoll: its whole event loop runs in this worker, blocked in one Poll.
// Edge-triggered: on each event, accept until null, read until null or a short read (or, when
// the event says the peer closed, until the 0 that says so); echo
// what was read; what the socket does not take is buffered and WRITABLE interest added until
// it drains. The main thread stops the loop through a Waker (token STOP).

import { parentPort } from 'node:worker_threads'

import { Events, Interest, Poll, TcpListener, TcpStream, Waker } from '../../index.ts'

const STOP = 0
const LISTENER = 1
const FIRST_CONN = 2

interface Conn {
  stream: TcpStream
  pending: Buffer[] // unsent output, oldest first
  writable: boolean // registered for WRITABLE too
}

const poll = new Poll()
const events = new Events(1024)
const stop = new Waker(poll.registry, STOP)
const listener = TcpListener.bind({ address: '127.0.0.1', port: 0 })
poll.registry.register(listener, LISTENER, Interest.READABLE)
const conns = new Map<number, Conn>()
const buf = Buffer.allocUnsafe(64 * 1024)
let nextToken = FIRST_CONN

parentPort!.postMessage({ port: listener.localAddress().port, stop: stop.handle })

function close(token: number, conn: Conn): void {
  conns.delete(token)
  conn.stream.close() // closing also ends its registration
}

/** Writes `data[0, length)`, or queues what the socket does not take (behind anything already pending). */
function send(token: number, conn: Conn, data: Buffer, length: number): void {
  if (conn.pending.length > 0) {
    conn.pending.push(Buffer.from(data.subarray(0, length))) // `buf` is reused: keep a copy
    return
  }
  // A range by numbers, not a `subarray` view: no object per message on the hot path.
  let off = 0
  while (off < length) {
    const n = conn.stream.write(data, off, length - off)
    if (n === null) break
    off += n
  }
  if (off < length) {
    conn.pending.push(Buffer.from(data.subarray(off, length)))
    if (!conn.writable) {
      poll.registry.reregister(conn.stream, token, Interest.READABLE | Interest.WRITABLE)
      conn.writable = true
    }
  }
}

function flush(token: number, conn: Conn): void {
  while (conn.pending.length > 0) {
    const head = conn.pending[0]!
    const n = conn.stream.write(head)
    if (n === null) return // still full: wait for the next WRITABLE edge
    if (n < head.length) conn.pending[0] = head.subarray(n)
    else conn.pending.shift()
  }
  if (conn.writable) {
    poll.registry.reregister(conn.stream, token, Interest.READABLE)
    conn.writable = false
  }
}

function onConn(token: number, conn: Conn, readable: boolean, readClosed: boolean, writable: boolean): void {
  try {
    if (writable) flush(token, conn)
    if (!readable) return
    for (;;) {
      const n = conn.stream.read(buf)
      if (n === null) return
      if (n === 0) return close(token, conn)
      send(token, conn, buf, n)
      // A short read drained the socket: the next data brings a new event (a wakepoll
      // guarantee for stream sockets), so no read that would only say "would block". Not so
      // the peer's FIN when it came with this event: read on to the 0 that closes.
      if (n < buf.length && !readClosed) return
    }
  } catch {
    close(token, conn) // ECONNRESET, EPIPE: the client went away
  }
}

loop: for (;;) {
  poll.poll(events, null)
  for (let i = 0; i < events.length; i++) {
    const token = events.token(i)
    if (token === STOP) break loop
    if (token === LISTENER) {
      for (let a = listener.accept(); a !== null; a = listener.accept()) {
        const [stream] = a
        stream.setNodelay(true)
        const t = nextToken++
        conns.set(t, { stream, pending: [], writable: false })
        poll.registry.register(stream, t, Interest.READABLE)
      }
      continue
    }
    const conn = conns.get(token)
    if (conn) {
      const readClosed = events.isReadClosed(i)
      onConn(token, conn, events.isReadable(i) || readClosed, readClosed, events.isWritable(i))
    }
  }
}

for (const [token, conn] of conns) close(token, conn)
listener.close()
stop.close()
poll.close()
parentPort!.postMessage({ stopped: true })
