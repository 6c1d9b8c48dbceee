// Helpers for tests with workers: start one from ./worker.mjs and talk to it.
import { Worker } from 'node:worker_threads'
import { existsSync, readFileSync } from 'node:fs'

/** Starts ./worker.mjs running `scenario` with `data`; resolves once it said 'started'. */
export async function startWorker(scenario, data) {
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { scenario, data } })
  const messages = []
  const waiters = []
  worker.on('message', (m) => {
    const w = waiters.shift()
    if (w) w(m)
    else messages.push(m)
  })
  const errored = new Promise((_, reject) => worker.once('error', reject))
  errored.catch(() => {})
  const next = () =>
    Promise.race([messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise((r) => waiters.push(r)), errored])
  const started = await next()
  if (started?.type !== 'started') throw new Error(`worker said ${JSON.stringify(started)} first`)
  return { worker, next, started, tid: started.tid, post: (m) => worker.postMessage(m) }
}

const BLOCKING_SYSCALLS = new Set(['232', '281', '441']) // x86_64: epoll_wait, epoll_pwait, epoll_pwait2

/**
 * Resolves once thread `tid` of this process is seen inside epoll_wait (Linux; elsewhere at
 * once): the barrier that says a worker is blocked in a wait before the test stops it.
 * Rejects if it never is within `ms`.
 */
export async function blockedInEpoll(tid, ms = 5_000) {
  if (process.platform !== 'linux' || process.arch !== 'x64' || !tid) return
  const deadline = performance.now() + ms
  for (;;) {
    let call = ''
    try {
      call = readFileSync(`/proc/self/task/${tid}/syscall`, 'utf8').split(' ')[0]
    } catch {
      throw new Error(`thread ${tid} is gone`)
    }
    if (BLOCKING_SYSCALLS.has(call)) return
    if (performance.now() > deadline) throw new Error(`thread ${tid} never seen in epoll_wait (last: ${call})`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

/**
 * Resolves once thread `tid` of this process has ended (Linux; elsewhere at once); rejects if
 * it has not within `ms`. A runtime may resolve terminate() before the thread is gone (Deno
 * does): this checks that the wait really returned.
 */
export async function threadEnded(tid, ms) {
  if (process.platform !== 'linux' || !tid) return
  const deadline = performance.now() + ms
  while (existsSync(`/proc/self/task/${tid}`)) {
    if (performance.now() > deadline) throw new Error(`thread ${tid} still runs ${ms} ms after terminate()`)
    await new Promise((r) => setTimeout(r, 2))
  }
}
