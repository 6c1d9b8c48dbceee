// The main-thread side of the worker tests: starts a scenario module (worker-scenarios.ts,
// sync-scenarios.ts) in a worker and turns its messages, errors and exit into promises.

import { Worker } from 'node:worker_threads'

import type { ExecutionContext } from 'ava'

import type { ScenarioData, ScenarioName } from './worker-scenarios.js'

const bootstrap = new URL('../../scripts/ts-worker.mjs', import.meta.url)
const entry = new URL('./worker-scenarios.ts', import.meta.url).href

interface Waiter {
  resolve: (message: unknown) => void
  reject: (err: Error) => void
}

export class TestWorker {
  readonly worker: Worker
  /** Resolves with the exit code; rejects with the worker's uncaught error. */
  readonly exited: Promise<number>
  #done = false
  #failure: Error | undefined
  readonly #queue: unknown[] = []
  readonly #waiters: Waiter[] = []

  constructor(scenarios: string, scenario: string, data: object) {
    this.worker = new Worker(bootstrap, { workerData: { entry: scenarios, scenario, ...data } })
    this.worker.on('message', (message: unknown) => {
      const waiter = this.#waiters.shift()
      if (waiter) waiter.resolve(message)
      else this.#queue.push(message)
    })
    this.exited = new Promise<number>((resolve, reject) => {
      this.worker.on('error', (err) => {
        this.#failure = err
        reject(err)
      })
      this.worker.on('exit', (code) => {
        this.#done = true
        this.#failure ??= new Error(`worker exited (code ${code}) before posting the expected message`)
        for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure)
        resolve(code)
      })
    })
    // Whoever awaits `exited` sees the error; do not also report it as unhandled.
    this.exited.catch(() => {})
  }

  /** Whether the worker thread has ended. */
  get done(): boolean {
    return this.#done
  }

  /** The next message the worker posts (in order); rejects if the worker fails or ends first. */
  nextMessage<T>(): Promise<T> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift() as T)
    if (this.#done) return Promise.reject(this.#failure)
    return new Promise<T>((resolve, reject) => {
      this.#waiters.push({ resolve: resolve as (message: unknown) => void, reject })
    })
  }
}

/**
 * Starts scenario `scenario` of the module at `scenarios` (a file: URL) with `data` (handles,
 * numbers, SharedArrayBuffers). When the test ends, a worker still running is terminated;
 * `rescue` runs first (a wake, a signal, a STOP flag) so that the worker can also end by itself.
 */
export function startScenario(
  t: ExecutionContext,
  scenarios: string,
  scenario: string,
  data: object,
  options: { rescue?: () => void } = {},
): TestWorker {
  const worker = new TestWorker(scenarios, scenario, data)
  t.teardown(async () => {
    if (worker.done) return
    options.rescue?.()
    await worker.worker.terminate()
  })
  return worker
}

/** Starts a scenario of worker-scenarios.ts (see `startScenario`). */
export function startWorker<K extends ScenarioName>(
  t: ExecutionContext,
  scenario: K,
  data: ScenarioData[K],
  options: { rescue?: () => void } = {},
): TestWorker {
  return startScenario(t, entry, scenario, data, options)
}
