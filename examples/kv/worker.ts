// The entry of one kv worker thread (started by server.ts through scripts/ts-worker.mjs).
// Start-up is the only time it uses its event loop: it binds its listener, tells the main
// thread its port and its Wakers' handles, and awaits the other workers' WAKE handles. Then it
// enters KvWorker.run — `for (;;) poll.poll(events, null)` — and never yields again until the
// main thread wakes its STOP Waker.

import { once } from 'node:events'
import { parentPort, workerData } from 'node:worker_threads'

import { Poll, TcpListener, Waker, type WakerHandle } from '../../index.ts'
import { newServerState } from './context.ts'
import { ShardLink } from './shard-link.ts'
import type { Target } from './shard-router.ts'
import { KvWorker, STOP, WAKE } from './worker-loop.ts'

export interface WorkerData {
  index: number
  workers: number
  address: string
  port: number
  /** rings[i][j]: the ring worker i writes and worker j reads (null on the diagonal). */
  rings: (SharedArrayBuffer | null)[][]
  stats: SharedArrayBuffer
}

/** What a worker posts once it listens. */
export interface Listening {
  port: number
  stop: WakerHandle
  wake: WakerHandle
}

const data = workerData as WorkerData
const port = parentPort!
const poll = new Poll()
const stop = new Waker(poll.registry, STOP)
const wake = new Waker(poll.registry, WAKE)
// reusePort only with several workers: each binds the same port and the kernel spreads the
// connections (with one worker it stays off, which also keeps Windows, where it is ENOTSUP, working).
const listener = TcpListener.bind({ address: data.address, port: data.port, reusePort: data.workers > 1 })
const listening: Listening = { port: listener.localAddress().port, stop: stop.handle, wake: wake.handle }
port.postMessage(listening)

const [{ peers }] = (await once(port, 'message')) as [{ peers: WakerHandle[] }]
const links = data.workers > 1 ? peers.map((handle, j) => (j === data.index ? null : new ShardLink<Target>(j, data.rings[data.index]![j]!, data.rings[j]![data.index]!, Waker.fromHandle(handle)))) : []
const server = newServerState('wakepoll', listening.port, data.workers, data.index, new Float64Array(data.stats))
const worker = new KvWorker({ poll, listener, server, links, stop, wake })
port.postMessage({ running: true })
worker.run()
port.postMessage({ stopped: true })
port.close()
