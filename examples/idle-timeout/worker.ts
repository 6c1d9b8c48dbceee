// The worker of examples/idle-timeout/main.ts: a TCP echo server that never returns to its
// event loop. A periodic Timer ticks every quarter of the idle limit; at each tick, every
// connection idle for at least the limit is closed. A Waker (the main thread's "stop") ends
// the loop.

import { parentPort, workerData } from 'node:worker_threads'

import { Events, Interest, Poll, TcpListener, Timer, Waker, type TcpStream } from '../../index.ts'

export type Report = { kind: 'closed'; id: number; idleMs: number }

const { idleMs } = workerData as { idleMs: number }
const LISTENER = 0
const TICK = 1
const STOP = 2

const poll = new Poll()
const events = new Events(256)
const listener = TcpListener.bind({ address: '127.0.0.1', port: 0 })
poll.registry.register(listener, LISTENER, Interest.READABLE)
const timer = new Timer()
timer.reset(idleMs / 4, idleMs / 4)
poll.registry.register(timer, TICK, Interest.READABLE)
const stop = new Waker(poll.registry, STOP)

const connections = new Map<number, { stream: TcpStream; lastActive: number }>()
let nextToken = 3
const buf = new Uint8Array(16 * 1024)
parentPort!.postMessage({ port: listener.localAddress().port, stop: stop.handle })

function drop(token: number): void {
  connections.get(token)?.stream.close()
  connections.delete(token)
}

let running = true
while (running) {
  const n = poll.poll(events, null)
  for (let i = 0; i < n; i++) {
    const token = events.token(i)
    if (token === STOP) {
      running = false
    } else if (token === LISTENER) {
      for (let a = listener.accept(); a !== null; a = listener.accept()) {
        const id = nextToken++
        poll.registry.register(a[0], id, Interest.READABLE)
        connections.set(id, { stream: a[0], lastActive: performance.now() })
      }
    } else if (token === TICK) {
      timer.waitTimeout(0) // consume the expirations
      const now = performance.now()
      for (const [id, c] of connections) {
        if (now - c.lastActive < idleMs) continue
        drop(id)
        parentPort!.postMessage({ kind: 'closed', id, idleMs: now - c.lastActive } satisfies Report)
      }
    } else {
      const c = connections.get(token)
      if (c === undefined) continue
      for (;;) {
        const got = c.stream.read(buf)
        if (got === null) break
        if (got === 0) {
          drop(token)
          break
        }
        c.lastActive = performance.now()
        c.stream.write(buf.subarray(0, got))
      }
    }
  }
}
for (const id of [...connections.keys()]) drop(id)
timer.close()
stop.close()
listener.close()
poll.close()
