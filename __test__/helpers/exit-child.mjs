// Child process for the process.exit() check in workers.test.ts (contract section 3:
// "process.exit() is never held up by a blocked poll").
//
// Starts a worker that blocks in poll(…, null), waits until that worker is inside epoll_wait,
// prints "blocked" and calls process.exit(0). The parent measures whether the process ends.
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

const { waitUntilInEpollWait } = await tsImport('./threads.ts', import.meta.url)

const worker = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
  workerData: {
    entry: new URL('./worker-scenarios.ts', import.meta.url).href,
    scenario: 'poll-until-woken',
    token: 1,
    timeout: null,
  },
})
const [{ tid }] = await once(worker, 'message')
const confirmed = waitUntilInEpollWait(tid)
process.stdout.write(`blocked ${confirmed ? 'confirmed' : 'unconfirmed'}\n`)
process.exit(0)
