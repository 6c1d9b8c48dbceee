// The load generator, on wakepoll too (a node:net client would cap near node:net's own rate):
// N connections, each a closed loop — send an M-byte message, wait for all M bytes of its echo,
// note the latency, send the next. Every second it posts the interval's count and latencies
// to the main thread; the main thread stops it through a Waker (token STOP), and it stops by
// itself after `maxMs` should that wake never come.

import { parentPort, workerData } from 'node:worker_threads'

import { Events, Interest, Poll, TcpStream, Waker } from '../../index.ts'

export interface ClientData {
  port: number
  connections: number
  size: number
  maxMs: number // stops by itself after this long, should the stop wake never come
}
export interface ClientReport {
  latenciesMs: Float64Array // one per echoed message in this interval
  elapsedMs: number // length of the interval
  done: boolean
}

const { port, connections, size, maxMs } = workerData as ClientData
const STOP = 0xffff_ffff

interface Conn {
  stream: TcpStream
  connected: boolean
  sent: number // bytes of the current message written
  received: number // bytes of its echo read
  t0: bigint
}

const poll = new Poll()
const events = new Events(1024)
const stop = new Waker(poll.registry, STOP)
const message = Buffer.alloc(size, 0x61)
const buf = Buffer.allocUnsafe(64 * 1024)
const conns: Conn[] = []
for (let i = 0; i < connections; i++) {
  const stream = TcpStream.connect({ address: '127.0.0.1', port })
  // Edge-triggered READABLE | WRITABLE from the start: WRITABLE reports the connect, and later
  // the end of a partial write; no reregister needed.
  poll.registry.register(stream, i, Interest.READABLE | Interest.WRITABLE)
  conns.push({ stream, connected: false, sent: 0, received: 0, t0: 0n })
}
parentPort!.postMessage({ stop: stop.handle })

let latencies: number[] = []
let intervalStart = performance.now()

function report(done: boolean): void {
  const now = performance.now()
  const latenciesMs = Float64Array.from(latencies)
  const r: ClientReport = { latenciesMs, elapsedMs: now - intervalStart, done }
  parentPort!.postMessage(r, [latenciesMs.buffer])
  latencies = []
  intervalStart = now
}

function write(c: Conn): void {
  while (c.sent < size) {
    const n = c.stream.write(message, c.sent)
    if (n === null) return // the rest on the next WRITABLE edge
    c.sent += n
  }
}

function start(c: Conn): void {
  c.sent = 0
  c.received = 0
  c.t0 = process.hrtime.bigint()
  write(c)
}

function onEvent(c: Conn, readable: boolean, writable: boolean): void {
  if (!c.connected) {
    if (!writable) return
    const err = c.stream.takeError()
    if (err) throw err
    c.connected = true
    c.stream.setNodelay(true)
    start(c)
    return
  }
  if (writable && c.sent < size) write(c)
  if (!readable) return
  for (;;) {
    const n = c.stream.read(buf)
    if (n === null) return
    if (n === 0) throw new Error('the server closed a connection')
    c.received += n
    if (c.received >= size) {
      latencies.push(Number(process.hrtime.bigint() - c.t0) / 1e6)
      start(c) // closed loop: the next message only after the whole echo
    }
    if (n < buf.length) return // a short read drained the socket (see server-wakepoll.ts)
  }
}

const deadlineMs = performance.now() + maxMs
loop: for (;;) {
  const now = performance.now()
  if (now >= deadlineMs) break
  const nextReport = intervalStart + 1000
  poll.poll(events, Math.max(0, Math.min(nextReport, deadlineMs) - now))
  for (let i = 0; i < events.length; i++) {
    const token = events.token(i)
    if (token === STOP) break loop
    const c = conns[token]!
    onEvent(c, events.isReadable(i) || events.isReadClosed(i), events.isWritable(i))
  }
  if (performance.now() - intervalStart >= 1000) report(false)
}

report(true)
for (const c of conns) c.stream.close()
stop.close()
poll.close()
