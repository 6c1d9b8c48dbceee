// The worker of the wake rows (1 and 3): answers each ping of the main thread through a wakepoll
// Waker (blocked in its own Poll), Atomics.notify (blocked in Atomics.wait), or a MessagePort,
// as the main thread asks for each batch. Started from scripts/ts-worker.mjs.

import { type MessagePort, parentPort, workerData } from 'node:worker_threads'

import { Events, Poll, Waker, type WakerHandle } from '../../index.ts'
import { currentThreadId } from '../placement.ts'

export type Mode = 'wakepoll' | 'atomics' | 'port' | 'stop'
export interface WakeWorkerData {
  mainWaker: WakerHandle
  atomics: SharedArrayBuffer
  port: MessagePort
}
export const PING = 2

const control = parentPort!
const data = workerData as WakeWorkerData
const poll = new Poll()
const events = new Events(4)
const wakeMe = new Waker(poll.registry, PING)
const wakeMain = Waker.fromHandle(data.mainWaker)
const flag = new Int32Array(data.atomics)

// MessagePort mode: every message is answered at once, on this thread's event loop.
data.port.on('message', (n: number) => data.port.postMessage(n))

control.postMessage({ workerWaker: wakeMe.handle, tid: currentThreadId() })
control.on('message', (msg: { mode: Mode; rounds: number }) => {
  if (msg.mode === 'stop') {
    wakeMe.close()
    wakeMain.close()
    poll.close()
    data.port.close()
    control.close()
    return
  }
  control.postMessage('ready')
  if (msg.mode === 'wakepoll') {
    for (let i = 0; i < msg.rounds; i++) {
      do poll.poll(events, null)
      while (events.length === 0)
      wakeMain.wake()
    }
  } else if (msg.mode === 'atomics') {
    // flag[0]: 1 = ping pending (main → worker), 2 = pong pending (worker → main)
    for (let i = 0; i < msg.rounds; i++) {
      // Wait on the value seen, whatever it is: waiting only while it is 0 would spin (wait
      // returns at once) while it is still 2, and the worker would never sleep.
      for (let v; (v = Atomics.load(flag, 0)) !== 1; ) Atomics.wait(flag, 0, v)
      Atomics.store(flag, 0, 2)
      Atomics.notify(flag, 0)
    }
  }
})
