// worker.terminate() of a worker blocked in a wait ends it (contract: a blocked poll never
// keeps a thread alive). Where the runtime has no libuv, the wait probes in 20 ms slices
// (src/thread_stop.rs). The bound is the issue's: within a second — a hang detector, not a
// timing figure.
import assert from 'node:assert/strict'
import { test, within } from './harness.mjs'
import { blockedInEpoll, startWorker } from './workers.mjs'

for (const [scenario, what] of [
  ['block-poll', 'poll(events, null)'],
  ['block-sync-event', 'SyncEvent.wait()'],
  ['pending-poll-async', 'a pending pollAsync'],
]) {
  test(`worker.terminate() of a worker in ${what} ends it within a second`, async () => {
    const w = await startWorker(scenario)
    const returned = []
    w.worker.on('message', (m) => returned.push(m))
    await blockedInEpoll(w.tid)
    const exited = new Promise((resolve) => w.worker.once('exit', resolve))
    await within(w.worker.terminate(), 1_000, 'terminate()')
    await within(exited, 1_000, "the worker's exit event")
    assert.deepEqual(returned, [], 'the wait never returned a made-up result')
  })
}
