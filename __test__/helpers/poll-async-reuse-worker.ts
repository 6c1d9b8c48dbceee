// The worker side of poll-async-reuse.test.ts: Polls whose pollAsync handle (src/poll_watch.rs)
// outlives their waits, left open when the worker ends or is terminated.
//
// Started through scripts/ts-worker.mjs with `workerData = { entry, scenario, ...data }`.

import { parentPort, workerData } from 'node:worker_threads'

import { Events, Poll, Waker, type WakerHandle } from '../../index.ts'

export interface ReuseData {
  /** How many Polls to make, each with a Waker (tokens 1, 2, …). */
  polls: number
  /** How many pollAsync waits each Poll makes (each ended by a wake made just before it). */
  waits: number
  /** Whether Poll 1 then starts a wait that nothing ends (the worker is terminated in it). */
  pending: boolean
}

/** What the worker posts once its waits are done. */
export interface ReuseMessage {
  /** Waits that did not resolve with exactly the Poll's own token. */
  wrong: number
  /** Poll 1's Waker, present when a wait is pending (to end it if the test fails). */
  handle?: WakerHandle
}

async function run({ polls, waits, pending }: ReuseData): Promise<void> {
  const all = Array.from({ length: polls }, (_, i) => {
    const poll = new Poll()
    return { poll, waker: new Waker(poll.registry, i + 1), token: i + 1 }
  })
  const events = new Events(4)
  let wrong = 0
  for (let w = 0; w < waits; w++) {
    for (const { poll, waker, token } of all) {
      waker.wake()
      const n = await poll.pollAsync(events, null)
      if (n !== 1 || events.token(0) !== token) wrong++
    }
  }
  const message: ReuseMessage = { wrong }
  if (pending) {
    const first = all[0]!
    void first.poll.pollAsync(events, null)
    message.handle = first.waker.handle
  }
  parentPort!.postMessage(message)
  // Every Poll stays open: their handles are left to the worker's teardown.
}

const { scenario, ...data } = workerData as { scenario: string } & ReuseData
if (scenario !== 'reuse') throw new Error(`unknown scenario ${JSON.stringify(scenario)}`)
await run(data)
