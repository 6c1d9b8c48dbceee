// One round of the echo comparison: a server (wakepoll or node:net) in a worker of its own, the
// wakepoll load generator (client.ts) in a second worker, for `durationS` seconds. Shared by the
// demo (main.ts) and the benchmark (bench/rows/echo.ts).

import { once } from 'node:events'
import { Worker } from 'node:worker_threads'

import { Waker, type WakerHandle } from '../../index.ts'
import type { ClientData, ClientReport } from './client.ts'

export type ServerKind = 'wakepoll' | 'node:net'

export interface EchoLoad {
  connections: number
  size: number
  durationS: number
}

export interface EchoRound {
  msgs: number
  ms: number
  /** One array per one-second report; one latency (ms) per echoed message. */
  latencies: Float64Array[]
}

function startWorker(file: string, data: object): Worker {
  return new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
    workerData: { entry: new URL(file, import.meta.url).href, ...data },
  })
}

export interface EchoServer {
  port: number
  /** Stops the server (it closes every socket) and resolves when its worker has exited. */
  stop(): Promise<void>
}

/** Starts an echo server in a worker of its own; resolves once it listens on 127.0.0.1. */
export async function startServer(kind: ServerKind): Promise<EchoServer> {
  const server = startWorker(kind === 'wakepoll' ? './server-wakepoll.ts' : './server-net.ts', {})
  server.on('error', (err) => console.error(`${kind} server:`, err))
  const [ready] = (await once(server, 'message')) as [{ port: number; stop?: WakerHandle }]
  const serverStop = ready.stop ? Waker.fromHandle(ready.stop) : null
  return {
    port: ready.port,
    async stop() {
      if (serverStop) {
        serverStop.wake() // ends the server's Poll: it closes every socket and exits
      } else {
        server.postMessage({ stop: true })
      }
      await once(server, 'exit')
      serverStop?.close()
    },
  }
}

/** Runs one round; `onReport` sees each one-second report of the client as it comes. */
export async function echoRound(
  kind: ServerKind,
  load: EchoLoad,
  onReport: (report: ClientReport) => void = () => {},
): Promise<EchoRound> {
  const server = await startServer(kind)

  // The load, in a second worker.
  const data: ClientData = {
    port: server.port,
    connections: load.connections,
    size: load.size,
    maxMs: load.durationS * 1000 + 5000,
  }
  const client = startWorker('./client.ts', data)
  const [{ stop }] = (await once(client, 'message')) as [{ stop: WakerHandle }]
  const clientStop = Waker.fromHandle(stop)

  const result: EchoRound = { msgs: 0, ms: 0, latencies: [] }
  const finished = new Promise<void>((resolve, reject) => {
    client.on('error', reject)
    client.on('message', (rep: ClientReport) => {
      result.msgs += rep.latenciesMs.length
      result.ms += rep.elapsedMs
      result.latencies.push(rep.latenciesMs)
      onReport(rep)
      if (rep.done) resolve()
    })
  })

  // Listened for from here: a worker that ends with messages still queued has them delivered
  // and its 'exit' emitted in one go, before `await finished` resumes — a listener added after
  // it would wait for ever (it did, once, on a loaded machine).
  const exited = once(client, 'exit')
  await new Promise((resolve) => setTimeout(resolve, load.durationS * 1000))
  clientStop.wake() // ends the client's Poll; it sends its last report and exits
  await finished
  await exited
  clientStop.close()
  await server.stop()
  return result
}
