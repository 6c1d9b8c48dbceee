// npm run demo:idle-timeout: a TCP echo server in a worker that lives in `poll(events, null)`
// and never returns to its event loop — so `setTimeout` never fires there — closes idle
// connections with a Timer. The main thread connects a few clients: one talks for a while,
// the others stay silent; each is closed once it has been idle for `--idle` ms.
//
//   npm run demo:idle-timeout -- --idle 200 --clients 4 --talk 600

import net from 'node:net'
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { parseArgs } from 'node:util'

import { Waker } from '../../index.ts'
import type { Report } from './worker.ts'

const { values } = parseArgs({
  options: {
    idle: { type: 'string', default: '200' },
    clients: { type: 'string', default: '4' },
    talk: { type: 'string', default: '600' },
  },
})
const IDLE_MS = Number(values.idle)
const CLIENTS = Number(values.clients)
const TALK_MS = Number(values.talk)

const worker = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
  workerData: { entry: new URL('./worker.ts', import.meta.url).href, idleMs: IDLE_MS },
})
const [{ port, stop }] = (await once(worker, 'message')) as [{ port: number; stop: string }]
console.log(`server in a worker on 127.0.0.1:${port}; idle limit ${IDLE_MS} ms`)
worker.on('message', (r: Report) => {
  if (r.kind === 'closed') console.log(`  server closed connection ${r.id}: idle for ${r.idleMs.toFixed(1)} ms`)
})

const start = performance.now()
const closed = Array.from({ length: CLIENTS }, (_, i) => {
  const socket = net.connect(port, '127.0.0.1')
  socket.resume()
  if (i === 0) {
    // The talker: a line every idle/3 ms for TALK_MS, then silence.
    const talk = setInterval(() => socket.write('ping\n'), IDLE_MS / 3)
    setTimeout(() => clearInterval(talk), TALK_MS)
    socket.on('close', () => clearInterval(talk))
  }
  return once(socket, 'close').then(() => {
    console.log(`client ${i}${i === 0 ? ' (talked)' : ''}: closed after ${(performance.now() - start).toFixed(0)} ms`)
  })
})
await Promise.all(closed)
Waker.fromHandle(stop as never).wake()
await once(worker, 'exit')
console.log('every idle connection was closed by a worker whose event loop never turned')
