// Child process of teardown-pending.test.ts (its environment picks pollAsync's path): starts
// `count` workers one after another, each with one of every wait pending
// (teardown-pending-worker.mjs), and terminates each. Between them it checks that the
// SyncEvent and Timer a terminated worker waited on can be waited on again (the one-waiter
// claim came back), then closes them and the AtomicWaker. Prints one JSON line: what the binding
// holds (references, async contexts: src/js_refs.rs) and the open fds, after the first worker
// (the baseline, past one-time costs) and after the last; the counts each worker's waits took.
import { once } from 'node:events'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

import { AtomicWaker, SyncEvent, Timer } from 'wakepoll'

const native = createRequire(import.meta.url)('../../binding-loader.cjs')
const count = Number(process.argv[2])
const workerUrl = new URL('./teardown-pending-worker.mjs', import.meta.url)

/** The open fds (Linux; undefined where there is no /proc). */
const fds = () => (fs.existsSync('/proc/self/fd') ? fs.readdirSync('/proc/self/fd').length : undefined)
const held = () => {
  const { references, asyncContexts } = native.heldJsHandles()
  return { references, asyncContexts }
}

const taken = new Set()
const claimsLeft = []
let baseline
for (let i = 0; i < count; i++) {
  const event = new SyncEvent()
  const timer = new Timer()
  const atomicWaker = new AtomicWaker()
  const worker = new Worker(workerUrl, {
    workerData: { event: event.handle, timer: timer.handle, atomicWaker: atomicWaker.handle },
  })
  const [took] = await once(worker, 'message')
  taken.add(JSON.stringify(took))
  await worker.terminate()
  const again = {
    event: await event.waitAsync(0).catch((err) => err.code),
    timer: await timer.waitAsync(0).catch((err) => err.code),
  }
  if (again.event !== 'timeout' || again.timer !== 0) claimsLeft.push(again)
  event.close()
  timer.close()
  atomicWaker.close()
  if (i === 0) baseline = { held: held(), fds: fds() }
}
const end = { held: held(), fds: fds() }
process.stdout.write(
  `${JSON.stringify({ baseline, end, taken: [...taken].map((t) => JSON.parse(t)), claimsLeft: claimsLeft.slice(0, 3), claimsLeftCount: claimsLeft.length })}\n`,
)
