// One process of the handoff example: the echo server of server-loop.ts in a worker, its
// reports printed as JSON lines. It ends when it has handed over (the worker is done); a
// successor runs until it is killed.
//
//   node --import tsx examples/handoff/server.ts <control path> [<predecessor's control path>]

import { Worker } from 'node:worker_threads'

import type { ServerData, ServerReport } from './server-loop.ts'

const [control, from] = process.argv.slice(2)
if (control === undefined) throw new TypeError('usage: server.ts <control path> [<from path>]')
const data: ServerData = from === undefined ? { control } : { control, from }
const worker = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
  workerData: { entry: new URL('./server-loop.ts', import.meta.url).href, ...data },
})
worker.on('message', (r: ServerReport) => console.log(JSON.stringify({ ...r, pid: process.pid })))
worker.on('error', (err) => {
  console.error(err)
  process.exitCode = 1
})
