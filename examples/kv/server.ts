// The wakepoll kv server, started from the main thread: N workers, each a never-yielding poll
// loop with its own reusePort listener and its own shard of the keyspace (worker.ts,
// worker-loop.ts), linked pairwise by SharedArrayBuffer rings (shard-queue.ts).

import { Worker } from 'node:worker_threads'

import { Waker } from '../../index.ts'
import { STATS_PER_WORKER } from './context.ts'
import { Ring } from './shard-queue.ts'
import type { Listening, WorkerData } from './worker.ts'

/** Bytes of each worker-to-worker ring. */
const RING_BYTES = 1024 * 1024

export interface KvServer {
  port: number
  /** Resolves with an error when a worker fails after start-up (never resolves otherwise). */
  failed: Promise<Error>
  /** Wakes every worker's STOP Waker and resolves once all have exited. */
  stop(): Promise<void>
}

function startWorker(data: WorkerData): Worker {
  return new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
    workerData: { entry: new URL('./worker.ts', import.meta.url).href, ...data },
  })
}

/** The worker's next message; rejects if it fails or exits first. */
function nextMessage<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      w.off('message', onMessage)
      w.off('error', onError)
      w.off('exit', onExit)
    }
    const onMessage = (m: T) => (done(), resolve(m))
    const onError = (err: Error) => (done(), reject(err))
    const onExit = (code: number) => (done(), reject(new Error(`kv worker exited with code ${code} during start-up`)))
    w.on('message', onMessage)
    w.on('error', onError)
    w.on('exit', onExit)
  })
}

/** Starts `workers` workers listening on address:port (0: a free port); resolves once all run. */
export async function startKvServer(options: { port: number; workers: number; address?: string }): Promise<KvServer> {
  const { workers } = options
  const address = options.address ?? '127.0.0.1'
  const rings = Array.from({ length: workers }, (_, i) => Array.from({ length: workers }, (_, j) => (i === j ? null : Ring.allocate(RING_BYTES))))
  const stats = new SharedArrayBuffer(8 * STATS_PER_WORKER * workers)
  const threads: Worker[] = []
  const listening: Listening[] = []
  try {
    // The first worker binds (port 0: the kernel picks one); the others bind the port it got.
    let port = options.port
    for (let index = 0; index < workers; index++) {
      const w = startWorker({ index, workers, address, port, rings, stats })
      threads.push(w)
      const msg = await nextMessage<Listening>(w)
      listening.push(msg)
      port = msg.port
    }
    const running = threads.map((w) => nextMessage<{ running: true }>(w))
    const peers = listening.map((l) => l.wake)
    for (const w of threads) w.postMessage({ peers })
    await Promise.all(running)
  } catch (err) {
    await Promise.all(threads.map((w) => w.terminate()))
    throw err
  }
  let stopping = false
  const failed = new Promise<Error>((resolve) => {
    for (const w of threads) {
      w.on('error', resolve)
      w.on('exit', (code) => !stopping && resolve(new Error(`kv worker exited with code ${code}`)))
    }
  })
  const stops = listening.map((l) => Waker.fromHandle(l.stop))
  return {
    port: listening[0]!.port,
    failed,
    async stop() {
      stopping = true
      const exits = threads.map((w) => new Promise((resolve) => (w.threadId === -1 ? resolve(null) : w.once('exit', resolve))))
      for (const s of stops) {
        try {
          s.wake()
        } catch {
          // a worker that already ended closed its Waker
        }
      }
      await Promise.all(exits)
    },
  }
}
