// Child of process.mjs: a pending pollAsync is all that keeps the process alive until a worker
// wakes it; once it resolved and the Poll closed, the process must exit by itself.
import { Poll, Events, Waker } from 'wakepoll'
import { Worker } from 'node:worker_threads'
const poll = new Poll()
const waker = new Waker(poll.registry, 1)
// Nothing else keeps the loop alive: the worker is unref'd, and wakes the Poll after 300 ms.
const w = new Worker(`const { workerData } = require('node:worker_threads'); const { Waker } = require('wakepoll'); setTimeout(() => Waker.fromHandle(workerData).wake(), 300)`, { eval: true, workerData: waker.handle })
w.unref()
const n = await poll.pollAsync(new Events(2))
console.log('resolved', n)
poll.close()
// now nothing is pending: the process must exit by itself
