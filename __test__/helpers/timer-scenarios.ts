// Worker scenarios of timer.test.ts (run through scripts/ts-worker.mjs).
//
// * idle-server — a TCP server on 127.0.0.1 that lives in `poll(events, null)` for ever and
//   never returns to its event loop. It echoes what it reads, and a periodic Timer (a quarter
//   of the idle limit) closes every connection idle for at least `idleMs`, posting
//   `{ kind: 'closed', idleMs }`. A setTimeout scheduled at start posts `{ kind: 'setTimeout
//   ran' }` if the loop ever turned (it must not).
// * churn — never returning to its event loop, `cycles` times: a new Timer, armed, registered,
//   polled, waited, deregistered, closed. Posts the fd count and RSS after a warm-up and at
//   the end: memory stays flat without a finalizer ever running, fds are all given back.
// * wait — `Timer.fromHandle(timer)`, posts 'waiting', blocks in `wait()` (again after an
//   EBUSY: main probes with its own zero wait); posts the count, or the error code it ended
//   with.

import { parentPort, workerData } from 'node:worker_threads'

import { Events, Interest, Poll, TcpListener, Timer, type TcpStream, type TimerHandle } from '../../index.ts'

const {
  scenario,
  idleMs,
  timer: timerHandle,
  cycles,
} = workerData as {
  scenario: string
  idleMs: number
  timer: TimerHandle
  cycles: number
}
const post = (message: unknown): void => parentPort!.postMessage(message)

if (scenario === 'idle-server') {
  setTimeout(() => post({ kind: 'setTimeout ran' }), 0)
  const poll = new Poll()
  const events = new Events(64)
  const listener = TcpListener.bind({ address: '127.0.0.1', port: 0 })
  const LISTENER = 0
  const TICK = 1
  poll.registry.register(listener, LISTENER, Interest.READABLE)
  const timer = new Timer()
  timer.reset(idleMs / 4, idleMs / 4)
  poll.registry.register(timer, TICK, Interest.READABLE)
  const connections = new Map<number, { stream: TcpStream; lastActive: number }>()
  let nextToken = 2
  const buf = new Uint8Array(4096)
  post({ port: listener.localAddress().port })
  for (;;) {
    const n = poll.poll(events, null)
    for (let i = 0; i < n; i++) {
      const token = events.token(i)
      if (token === LISTENER) {
        for (let accepted = listener.accept(); accepted !== null; accepted = listener.accept()) {
          const token = nextToken++
          poll.registry.register(accepted[0], token, Interest.READABLE)
          connections.set(token, { stream: accepted[0], lastActive: performance.now() })
        }
      } else if (token === TICK) {
        timer.waitTimeout(0)
        const now = performance.now()
        for (const [token, c] of connections) {
          if (now - c.lastActive < idleMs) continue
          c.stream.close()
          connections.delete(token)
          post({ kind: 'closed', idleMs: now - c.lastActive })
        }
      } else {
        const c = connections.get(token)
        if (c === undefined) continue
        for (;;) {
          const got = c.stream.read(buf)
          if (got === null) break
          if (got === 0) {
            c.stream.close()
            connections.delete(token)
            break
          }
          c.lastActive = performance.now()
          c.stream.write(buf.subarray(0, got))
          post({ kind: 'echoed' })
        }
      }
    }
  }
}

if (scenario === 'wait') {
  const timer = Timer.fromHandle(timerHandle)
  post('waiting')
  for (;;) {
    try {
      post(timer.wait())
      break
    } catch (err) {
      const code = String((err as { code?: unknown }).code)
      // The main thread's probe (is the worker waiting yet?) holds the slot for its moment.
      if (code === 'EBUSY') continue
      post(code)
      break
    }
  }
}

if (scenario === 'churn') {
  const { fdCount, rssMiB } = await import('./resources.js')
  const poll = new Poll()
  const events = new Events(4)
  let wrong = 0
  const cycle = (): void => {
    const timer = new Timer()
    timer.reset(0)
    poll.registry.register(timer, 5, Interest.READABLE)
    if (poll.poll(events, 10_000) !== 1 || events.token(0) !== 5) wrong++
    if (timer.wait() !== 1) wrong++
    poll.registry.deregister(timer)
    timer.close()
  }
  // Warm-up: V8's heap settles into its size for this loop.
  for (let i = 0; i < 5000; i++) cycle()
  const before = { fds: fdCount(), rss: rssMiB() }
  for (let i = 0; i < cycles; i++) cycle()
  post({ wrong, fds: fdCount() - before.fds, growthMiB: rssMiB() - before.rss })
  poll.close()
}
