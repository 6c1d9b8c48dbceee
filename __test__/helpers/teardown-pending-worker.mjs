// Worker of teardown-pending-child.mjs: leaves one of every wait that a worker can leave
// pending when it is terminated — Poll.pollAsync, Poll.watch, SyncEvent.waitAsync,
// Timer.waitAsync (both on objects the parent made), AtomicWaker.register — and posts how many
// Node-API references and async contexts the binding took for them; then waits to be
// terminated. Plain ES module importing the package by name: no tsx to start in each worker.
import { createRequire } from 'node:module'
import { parentPort, workerData } from 'node:worker_threads'

import { AtomicWaker, Events, Poll, SyncEvent, Timer } from 'wakepoll'

/** The native module, for its internal diagnostic heldJsHandles() (src/js_refs.rs). */
const native = createRequire(import.meta.url)('../../binding-loader.cjs')

const before = native.heldJsHandles()
const pending = [
  new Poll().pollAsync(new Events(4), null),
  new Poll().watch(new Events(4)).next(),
  SyncEvent.fromHandle(workerData.event).waitAsync(null),
  Timer.fromHandle(workerData.timer).waitAsync(null),
  AtomicWaker.fromHandle(workerData.atomicWaker).register(),
]
// None of them settles before the termination; should one fail, the parent sees it below.
for (const wait of pending) wait.catch(() => {})
const after = native.heldJsHandles()
parentPort.postMessage({
  references: after.references - before.references,
  asyncContexts: after.asyncContexts - before.asyncContexts,
})
