// No lost wake under load (contract section 2): 4 workers each make N wake → wait-for-ack
// round trips against one poller on the main thread. Every worker has at most one wake in
// flight (it waits for main's ack, through its own Poll and Waker, before the next), so main
// must see exactly one event per wake: N per worker's token, nothing extra.
//
// A lost wake or a lost ack is a failure with a message, not a hang: both sides wait with a
// generous timeout (10 s; a round trip takes microseconds) and report a wait that ran out.
//
// The main thread polls with poll(…) (blocking) in one test and with await pollAsync(…) in the
// other. N is small in the normal suite; `npm run test:stress` (WAKEPOLL_STRESS=1) runs 250,000.

import test, { type ExecutionContext } from 'ava'

import { Events, Waker, type WakerHandle } from '../index.ts'
import { newPoll } from './helpers/expect.js'
import { testUnlessLibkqueueGap } from './helpers/libkqueue.js'
import { stressOr } from './helpers/resources.js'
import { Signals } from './helpers/threads.js'
import type { RoundTripResult } from './helpers/worker-scenarios.js'
import { startWorker, type TestWorker } from './helpers/workers.js'

const WORKERS = 4
const ROUNDS = stressOr(250_000, 20_000)
const GUARD_MS = 10_000
/** Main's Waker for worker i has token MAIN_TOKEN + i; each worker's ack Waker has ACK_TOKEN. */
const MAIN_TOKEN = 10
const ACK_TOKEN = 77

async function roundTrips(t: ExecutionContext, mode: 'poll' | 'pollAsync'): Promise<void> {
  if (ROUNDS > 100_000) t.timeout(15 * 60_000)
  const poll = newPoll(t)
  const events = new Events(8)
  const signals = new Signals()
  const ackHandles: (WakerHandle | undefined)[] = []
  const stopWorkers = () => {
    signals.set('STOP', 1)
    signals.set('MAIN_POLLING', 1)
    for (const handle of ackHandles) {
      try {
        if (handle !== undefined) Waker.fromHandle(handle).wake()
      } catch {
        // Its Poll is closed: that worker has ended.
      }
    }
  }
  const workers: TestWorker[] = []
  for (let i = 0; i < WORKERS; i++) {
    const mainWaker = new Waker(poll.registry, MAIN_TOKEN + i)
    workers.push(
      startWorker(
        t,
        'wake-ack-rounds',
        { mainWaker: mainWaker.handle, ackToken: ACK_TOKEN, rounds: ROUNDS, timeout: GUARD_MS, signals: signals.buffer },
        { rescue: stopWorkers },
      ),
    )
  }
  const acks: Waker[] = []
  for (const worker of workers) {
    const { handle } = await worker.nextMessage<{ handle: WakerHandle }>()
    ackHandles.push(handle)
    acks.push(Waker.fromHandle(handle))
  }

  const counts: number[] = new Array<number>(WORKERS).fill(0)
  const failures: string[] = []
  const expected = WORKERS * ROUNDS
  let total = 0
  const start = performance.now()
  signals.set('MAIN_POLLING', 1) // go
  while (total < expected) {
    const n = mode === 'poll' ? poll.poll(events, GUARD_MS) : await poll.pollAsync(events, GUARD_MS)
    if (n === 0) {
      failures.push(`no wake within ${GUARD_MS} ms after ${total} round trips; per worker ${counts.join(', ')}`)
      break
    }
    for (let i = 0; i < n; i++) {
      const id = events.token(i) - MAIN_TOKEN
      if (!Number.isInteger(id) || id < 0 || id >= WORKERS) {
        failures.push(`unexpected token ${events.token(i)}`)
        continue
      }
      counts[id]!++
      total++
      acks[id]!.wake()
    }
    if (failures.length > 10) break
  }
  const elapsed = performance.now() - start
  if (failures.length > 0) stopWorkers()
  const extra = poll.poll(events, 0)
  const results = await Promise.all(workers.map((w) => w.nextMessage<RoundTripResult>()))
  t.log(`${mode}: ${total} round trips in ${elapsed.toFixed(0)} ms (${((elapsed * 1000) / Math.max(total, 1)).toFixed(1)} µs each)`)

  t.deepEqual(failures, [], 'main side')
  t.deepEqual(counts, new Array<number>(WORKERS).fill(ROUNDS), 'wakes seen per worker')
  t.is(extra, 0, 'no extra event on the main side')
  results.forEach((result, i) => {
    t.deepEqual(result.failures, [], `worker ${i}`)
    t.is(result.acks, ROUNDS, `acks seen by worker ${i}`)
    t.is(result.extra, 0, `no extra event in worker ${i}`)
  })
  for (const worker of workers) t.is(await worker.exited, 0)
}

// Serial: the two tests would otherwise compete for the same CPUs (and, for the blocking one,
// the main thread).
test.serial(`no lost wake: ${WORKERS} workers × ${ROUNDS} round trips with a main thread in poll()`, async (t) => {
  await roundTrips(t, 'poll')
})

testUnlessLibkqueueGap(1).serial(`no lost wake: ${WORKERS} workers × ${ROUNDS} round trips with a main thread awaiting pollAsync()`, async (t) => {
  await roundTrips(t, 'pollAsync')
})
