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
  /** The worker's thread id (Linux), for pinning it (placement.ts). */
  workerTid: number | null = null
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
    const [{ workerWaker, tid }] = (await once(peer.#worker, 'message')) as [
      { workerWaker: WakerHandle; tid: number | null },
    ]
    peer.wakeWorker = Waker.fromHandle(workerWaker)
    peer.workerTid = tid
    peer.#channel.port1.on('message', () => peer.#answered())
    return peer
  }

  /** Tells the worker which way to answer the next `rounds` pings; resolves when it listens. */
  async #begin(mode: Mode, rounds: number): Promise<void> {
    Atomics.store(this.flag, 0, 0)
    this.#worker.postMessage({ mode, rounds })
    await once(this.#worker, 'message') // 'ready': the worker is about to block
  }

  /**
   * One batch: the worker answers `mode`'s way; `roundTrip` does one round trip from this side.
   * Returns each round trip's time in µs. (No await between rounds: a microtask per round
   * would be measured too.)
   */
  async batch(mode: Mode, rounds: number, roundTrip: () => void): Promise<Float64Array> {
    await this.#begin(mode, rounds)
    const us = new Float64Array(rounds)
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now()
      roundTrip()
      us[i] = (performance.now() - t0) * 1000
    }
    return us
  }

  /** The same for a round trip that waits asynchronously. */
  async batchAsync(mode: Mode, rounds: number, roundTrip: () => Promise<void>): Promise<Float64Array> {
    await this.#begin(mode, rounds)
    const us = new Float64Array(rounds)
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now()
      await roundTrip()
      us[i] = (performance.now() - t0) * 1000
    }
    return us
  }

  /** Wakes the worker, then waits in Poll.poll for its wake. */
  wakepollRoundTrip = (): void => {
    this.wakeWorker.wake()
    do this.poll.poll(this.events, null)
    while (!this.#ponged())
  }

  /** The same, waiting with pollAsync. */
  pollAsyncRoundTrip = async (): Promise<void> => {
    this.wakeWorker.wake()
    do await this.poll.pollAsync(this.events, null)
    while (!this.#ponged())
  }

  #ponged(): boolean {
    return this.events.length > 0 && this.events.token(0) === PONG
  }

  /** flag[0]: 1 = ping pending (main → worker), 2 = pong pending (worker → main). */
  atomicsRoundTrip = (): void => {
    const flag = this.flag
    Atomics.store(flag, 0, 1)
    Atomics.notify(flag, 0)
    for (let v; (v = Atomics.load(flag, 0)) !== 2; ) Atomics.wait(flag, 0, v)
    Atomics.store(flag, 0, 0)
  }

  /** The same, waiting with Atomics.waitAsync. */
  atomicsAsyncRoundTrip = async (): Promise<void> => {
    const flag = this.flag
    Atomics.store(flag, 0, 1)
    Atomics.notify(flag, 0)
    for (let v; (v = Atomics.load(flag, 0)) !== 2; ) {
      const wait = Atomics.waitAsync(flag, 0, v)
      if (wait.async) await wait.value
    }
    Atomics.store(flag, 0, 0)
  }

  /** One MessagePort round trip. */
  portRoundTrip = (): Promise<void> => {
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
