// worker.terminate() of a worker blocked in a wait ends it (contract: a blocked poll never
// keeps a thread alive). Where the runtime has no libuv, the wait probes in 20 ms slices
// (src/thread_stop.rs). The bound is the issue's: within a second — a hang detector, not a
// timing figure. The worker's thread must be gone too: Deno resolves terminate() and emits
// 'exit' while the thread may still be blocked.
import assert from 'node:assert/strict'
import { test, within } from './harness.mjs'
import { blockedInEpoll, startWorker, threadEnded } from './workers.mjs'

// Deno 2.9's worker.terminate() does not stop a worker thread that runs JavaScript or blocks
// in it — `for (;;) {}` or `Atomics.wait` keep the thread alive too, without wakepoll — so
// nothing asks a blocked wait to stop, and its thread stays (docs/runtimes.md has the
// reproduction). An idle worker (a pending pollAsync) does end.
const DENO_TERMINATE =
  "Deno's worker.terminate() leaves a thread that is running or blocked (even in Atomics.wait) alive: docs/runtimes.md"

for (const [scenario, what, skipOn] of [
  ['block-poll', 'poll(events, null)', { deno: DENO_TERMINATE }],
  ['block-sync-event', 'SyncEvent.wait()', { deno: DENO_TERMINATE }],
  ['pending-poll-async', 'a pending pollAsync', {}],
]) {
  test(`worker.terminate() of a worker in ${what} ends it and its thread within a second`, async () => {
    const w = await startWorker(scenario)
    const returned = []
    w.worker.on('message', (m) => returned.push(m))
    await blockedInEpoll(w.tid)
    const exited = new Promise((resolve) => w.worker.once('exit', resolve))
    await within(w.worker.terminate(), 1_000, 'terminate()')
    await within(exited, 1_000, "the worker's exit event")
    await threadEnded(w.tid, 1_000)
    assert.deepEqual(returned, [], 'the wait never returned a made-up result')
  }, { skipOn })
}
