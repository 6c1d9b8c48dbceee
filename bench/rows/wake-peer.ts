// The main thread's end of the wake rows: one worker (wake-worker.ts) that answers pings by
// Waker, Atomics or MessagePort, and the main thread's own Poll and Waker for the pongs.

import { once } from 'node:events'
import { MessageChannel, Worker } from 'node:worker_threads'

import { Events, Poll, Waker, type WakerHandle } from '../../index.ts'
import type { Mode, WakeWorkerData } from './wake-worker.ts'

export const PONG = 1

export class WakePeer {
  readonly poll = new Poll()
  readonly events = new Events(4)
  readonly flag = new Int32Array(new SharedArrayBuffer(4))
  readonly #mainWaker = new Waker(this.poll.registry, PONG)
  readonly #channel = new MessageChannel()
  #worker!: Worker
  wakeWorker!: Waker
  /** MessagePort mode: resolves the round's promise when the worker's answer arrives. */
  #answered: () => void = () => {}

  static async start(): Promise<WakePeer> {
    const peer = new WakePeer()
    const data: WakeWorkerData = {
      mainWaker: peer.#mainWaker.handle,
      atomics: peer.flag.buffer as SharedArrayBuffer,
      port: peer.#channel.port2,
    }
    peer.#worker = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
      workerData: { entry: new URL('./wake-worker.ts', import.meta.url).href, ...data },
      transferList: [peer.#channel.port2],
    })
    const [{ workerWaker }] = (await once(peer.#worker, 'message')) as [{ workerWaker: WakerHandle }]
    peer.wakeWorker = Waker.fromHandle(workerWaker)
    peer.#channel.port1.on('message', () => peer.#answered())
    return peer
  }

  /** Tells the worker which way to answer the next `rounds` pings; resolves when it listens. */
  async begin(mode: Mode, rounds: number): Promise<void> {
    Atomics.store(this.flag, 0, 0)
    this.#worker.postMessage({ mode, rounds })
    await once(this.#worker, 'message') // 'ready': the worker is about to block
  }

  /** One MessagePort round trip. */
  portRoundTrip(): Promise<void> {
    return new Promise((resolve) => {
      this.#answered = resolve
      this.#channel.port1.postMessage(0)
    })
  }

  async close(): Promise<void> {
    this.#worker.postMessage({ mode: 'stop', rounds: 0 })
    await once(this.#worker, 'exit')
    this.#channel.port1.close()
    this.wakeWorker.close()
    this.#mainWaker.close()
    this.poll.close()
  }
}
