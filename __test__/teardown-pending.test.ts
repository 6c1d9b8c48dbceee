// Workers terminated with waits pending (contract section 3: "Terminated workers leak no file
// descriptors and no memory"). Each worker leaves one of every wait a worker can leave pending
// — Poll.pollAsync, Poll.watch, SyncEvent.waitAsync, Timer.waitAsync, AtomicWaker.register —
// and is terminated; then everything the waits held must have come back:
//   - the Node-API references and async contexts the binding took for them (three references
//     and an async context per pollAsync; watch, waitAsync wait through pollAsync), counted by
//     the binding itself (heldJsHandles, src/js_refs.rs): exact, where ~160 bytes a wait are
//     lost in resident memory's noise. Node frees neither for us at a worker's teardown;
//   - the one-waiter claim of the SyncEvent and the Timer (another wait on them is not EBUSY);
//   - the file descriptors (the SyncEvent's hidden clone, the closed events' and timers' own).
// The AtomicWaker's threadsafe function is Node's to free: `npm run test:asan`'s LeakSanitizer
// run checks the whole of it (docs/sanitizers.md).
//
// Once for each of pollAsync's paths, each in a child process (the path is chosen once per
// process): the loop's uv_poll on the selector, the waiter thread with a uv_async
// (WAKEPOLL_POLL_ASYNC_THREAD=1), and the waiter thread with a threadsafe function, the path of
// hosts without libuv (WAKEPOLL_NO_LIBUV=1).

import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import test from 'ava'

import { onLibkqueue, testUnlessLibkqueueGap } from './helpers/libkqueue.js'
import { sanitizer } from './helpers/os.js'
import { stressOr } from './helpers/resources.js'

const run = promisify(execFile)
const child = fileURLToPath(new URL('./helpers/teardown-pending-child.mjs', import.meta.url))
const root = fileURLToPath(new URL('..', import.meta.url))

// Fewer under a sanitizer, where each worker starts several times slower: LeakSanitizer sees
// whatever one of them leaks.
const workers = sanitizer === undefined ? stressOr(2000, 40) : 10

interface Held {
  references: number
  asyncContexts: number
}

interface Outcome {
  baseline: { held: Held; fds: number | undefined }
  end: { held: Held; fds: number | undefined }
  taken: Held[]
  claimsLeft: unknown[]
  claimsLeftCount: number
}

// A terminated worker's waiter thread is woken to end (the Poll's closer), which libkqueue's
// unpollable kqueue fd never does (gap 1); the uv_poll path needs no wake.
const paths = [
  { path: "the loop's uv_poll on the selector", env: {}, declare: test.serial },
  { path: 'the waiter thread and a uv_async', env: { WAKEPOLL_POLL_ASYNC_THREAD: '1' }, declare: testUnlessLibkqueueGap(1).serial },
  { path: 'the waiter thread and a threadsafe function (no libuv)', env: { WAKEPOLL_NO_LIBUV: '1' }, declare: testUnlessLibkqueueGap(1).serial },
]

for (const { path, env, declare } of paths) {
  declare(`${workers} workers terminated with pollAsync, watch, SyncEvent/Timer waitAsync and AtomicWaker.register pending give back every reference, async context, claim and fd (${path})`, async (t) => {
    t.timeout(stressOr(20 * 60_000, 2 * 60_000))
    const { WAKEPOLL_POLL_ASYNC_THREAD: _thread, WAKEPOLL_NO_LIBUV: _noLibuv, ...inherited } = process.env
    const { stdout } = await run(process.execPath, [child, String(workers)], {
      cwd: root,
      env: { ...inherited, ...env },
      maxBuffer: 1 << 20,
    })
    const outcome = JSON.parse(stdout.trim().split('\n').pop()!) as Outcome
    t.log(JSON.stringify(outcome))
    // Each worker's waits really were pending in the binding: 4 pollAsyncs (pollAsync, watch,
    // and the hidden Polls of the two waitAsyncs), 3 references and a context each.
    t.deepEqual(outcome.taken, [{ references: 12, asyncContexts: 4 }])
    t.deepEqual(outcome.end.held, outcome.baseline.held, 'references and async contexts held after the terminations')
    t.deepEqual(outcome.claimsLeft, [], `${outcome.claimsLeftCount} SyncEvents/Timers still claimed by a terminated worker's wait`)
    // libkqueue closes a kqueue's epoll fd later, from its own thread (libkqueue gap 7).
    if (outcome.baseline.fds !== undefined && !onLibkqueue) t.is(outcome.end.fds, outcome.baseline.fds, 'open fds')
  })
}
