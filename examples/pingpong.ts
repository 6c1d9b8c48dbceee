// npm run demo:pingpong: the main thread and a worker ping-pong through wakepoll Wakers, each side
// blocked in its own Poll, and the same through Atomics.wait/notify, in one run. Batches of the
// two alternate (A B A B …) so that both see the same machine; the table gives medians and p99
// of the round trip, and the ratio.

import { once } from 'node:events'
import { Worker } from 'node:worker_threads'

import { Events, Poll, Waker, type WakerHandle } from '../index.ts'

const BATCHES = Number(process.env.DEMO_BATCHES ?? 10)
const ROUNDS = Number(process.env.DEMO_ROUNDS ?? 2_000)
const PONG = 1

const poll = new Poll()
const events = new Events(4)
const mainWaker = new Waker(poll.registry, PONG)
const atomics = new SharedArrayBuffer(4)
const flag = new Int32Array(atomics)

const worker = new Worker(new URL('../scripts/ts-worker.mjs', import.meta.url), {
  workerData: {
    entry: new URL('./pingpong-worker.ts', import.meta.url).href,
    mainWaker: mainWaker.handle,
    atomics,
  },
})
const [{ workerWaker }] = (await once(worker, 'message')) as [{ workerWaker: WakerHandle }]
const wakeWorker = Waker.fromHandle(workerWaker)

async function batch(mode: 'wakepoll' | 'atomics', out: number[]): Promise<void> {
  worker.postMessage({ mode, rounds: ROUNDS })
  await once(worker, 'message') // 'ready': the worker is about to block
  if (mode === 'wakepoll') {
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now()
      wakeWorker.wake()
      poll.poll(events, null)
      out.push(performance.now() - t0)
    }
  } else {
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now()
      Atomics.store(flag, 0, 1)
      Atomics.notify(flag, 0)
      for (let v; (v = Atomics.load(flag, 0)) !== 2; ) Atomics.wait(flag, 0, v)
      Atomics.store(flag, 0, 0)
      out.push(performance.now() - t0)
    }
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

const samples = { wakepoll: [] as number[], atomics: [] as number[] }
console.log(`wakepoll ping-pong: main ↔ worker round trips, ${BATCHES} × ${ROUNDS} per method, interleaved`)
for (let b = 0; b < BATCHES; b++) {
  await batch('wakepoll', samples.wakepoll)
  await batch('atomics', samples.atomics)
  process.stdout.write(`\r  batch ${b + 1}/${BATCHES}`)
}
process.stdout.write('\n\n')

const us = (ms: number) => (ms * 1000).toFixed(1).padStart(8)
const rows = (['wakepoll', 'atomics'] as const).map((name) => {
  const sorted = [...samples[name]].sort((a, b) => a - b)
  return { name, median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }
})
console.log('method                         median µs   p99 µs')
for (const r of rows) {
  const label = r.name === 'wakepoll' ? 'wakepoll Waker + Poll.poll' : 'Atomics.wait / notify'
  console.log(`${label.padEnd(30)} ${us(r.median)} ${us(r.p99)}`)
}
const [wp, at] = rows as [(typeof rows)[0], (typeof rows)[0]]
console.log(`\nwakepoll / Atomics median ratio: ${(wp.median / at.median).toFixed(2)}×`)

worker.postMessage({ mode: 'stop', rounds: 0 })
await once(worker, 'exit')
wakeWorker.close()
mainWaker.close()
poll.close()
