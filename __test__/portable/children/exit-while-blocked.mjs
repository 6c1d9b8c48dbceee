// Child of process.mjs: process.exit() while a worker blocks in poll(null) must end the
// process (Node stops and joins every worker first).
import { Worker } from 'node:worker_threads'
const w = new Worker(`const { parentPort } = require('node:worker_threads'); const { Poll, Events } = require('wakepoll'); const p = new Poll(); parentPort.postMessage('in'); p.poll(new Events(1), null)`, { eval: true })
await new Promise((r) => w.once('message', r))
console.log('exiting')
process.exit(0)
