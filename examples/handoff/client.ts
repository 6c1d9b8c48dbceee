// The load of the handoff example, on wakepoll in a worker like examples/echo/client.ts: N
// connections, each a closed loop (send an M-byte message, wait for its whole echo, send the
// next), and each replaced by a new connection after `reconnectEvery` round trips, so that
// connections keep arriving while the servers hand over. It checks every byte: each
// connection sends a running sequence (byte k = (seed + k) mod 251) and expects it back in
// order, so a lost, duplicated or reordered byte shows as a mismatch.
//
// Counts: `refused` — connections that failed (connect errors, resets); `lost` — echo bytes
// that never came, or came wrong. Posts cumulative counts every 100 ms; a wake of the STOP
// Waker makes it stop sending, wait for the echoes still owed (up to 5 s), post the final
// counts and end.

import { parentPort, workerData } from 'node:worker_threads'

import { Events, Interest, Poll, TcpStream, Waker } from '../../index.ts'

export interface ClientData {
  port: number
  connections: number
  size: number
  reconnectEvery: number
}
export interface ClientCounts {
  roundTrips: number
  opened: number
  refused: number
  lost: number
  done: boolean
}

const { port, connections, size, reconnectEvery } = workerData as ClientData
const STOP = 0xffff_ffff
const DRAIN_MS = 5000

interface Conn {
  stream: TcpStream
  seed: number
  connected: boolean
  sent: number // bytes sent on this connection
  echoed: number // bytes of echo received (and checked)
  messageEnd: number // `sent` once the current message is all written
  rounds: number
}

const poll = new Poll()
const events = new Events(1024)
const stop = new Waker(poll.registry, STOP)
const message = Buffer.alloc(size)
const buf = Buffer.allocUnsafe(64 * 1024)
const conns: Array<Conn | null> = []
const counts: ClientCounts = { roundTrips: 0, opened: 0, refused: 0, lost: 0, done: false }
let stopping = false

function open(slot: number): void {
  const stream = TcpStream.connect({ address: '127.0.0.1', port })
  poll.registry.register(stream, slot, Interest.READABLE | Interest.WRITABLE)
  conns[slot] = { stream, seed: (counts.opened * 7) % 251, connected: false, sent: 0, echoed: 0, messageEnd: 0, rounds: 0 }
  counts.opened++
}

/** Ends the connection in `slot` (counting what it still owed as lost) and opens the next. */
function replace(slot: number, failed: boolean): void {
  const c = conns[slot]!
  if (failed) counts.refused++
  counts.lost += c.sent - c.echoed
  c.stream.close()
  conns[slot] = null
  if (!stopping) open(slot)
}

function write(c: Conn): void {
  while (c.sent < c.messageEnd) {
    const n = c.stream.write(message, size - (c.messageEnd - c.sent))
    if (n === null) return
    c.sent += n
  }
}

function startMessage(c: Conn): void {
  for (let i = 0; i < size; i++) message[i] = (c.seed + c.sent + i) % 251
  c.messageEnd = c.sent + size
  write(c)
}

function onEvent(slot: number, readable: boolean, writable: boolean): void {
  const c = conns[slot]
  if (!c) return
  if (!c.connected) {
    if (!writable) return
    if (c.stream.takeError() !== null) return replace(slot, true)
    c.connected = true
    c.stream.setNodelay(true)
    if (!stopping) startMessage(c)
    return
  }
  if (writable) write(c)
  if (!readable) return
  for (;;) {
    let n: number | null
    try {
      n = c.stream.read(buf)
    } catch {
      return replace(slot, true) // ECONNRESET: a connection the servers dropped
    }
    if (n === null) return
    if (n === 0) return replace(slot, true)
    for (let i = 0; i < n; i++) {
      if (buf[i] !== (c.seed + c.echoed + i) % 251) counts.lost++
    }
    c.echoed += n
    if (c.echoed === c.messageEnd) {
      counts.roundTrips++
      if (stopping) return
      if (++c.rounds >= reconnectEvery) return replace(slot, false)
      startMessage(c)
    }
    if (n < buf.length) return
  }
}

for (let i = 0; i < connections; i++) open(i)
parentPort!.postMessage({ stop: stop.handle })

let lastReport = performance.now()
let drainDeadline = Infinity
for (;;) {
  const owed = conns.some((c) => c !== null && c.echoed < c.sent)
  if (stopping && (!owed || performance.now() >= drainDeadline)) break
  poll.poll(events, stopping ? Math.max(0, drainDeadline - performance.now()) : 100)
  for (let i = 0; i < events.length; i++) {
    const token = events.token(i)
    if (token === STOP) {
      stopping = true
      drainDeadline = performance.now() + DRAIN_MS
      continue
    }
    onEvent(token, events.isReadable(i) || events.isReadClosed(i), events.isWritable(i))
  }
  if (performance.now() - lastReport >= 100) {
    parentPort!.postMessage({ ...counts })
    lastReport = performance.now()
  }
}

for (const c of conns) {
  if (c === null) continue
  counts.lost += c.sent - c.echoed // owed still, after the drain: lost
  c.stream.close()
}
counts.done = true
parentPort!.postMessage({ ...counts })
stop.close()
poll.close()
