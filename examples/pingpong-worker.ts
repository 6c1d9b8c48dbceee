// The ping-pong demo's worker: answers each ping of the main thread, through a Waker or through
// Atomics.notify, as the main thread asks for each batch.

import { parentPort, workerData } from 'node:worker_threads'

import { Events, Poll, Waker, type WakerHandle } from '../index.ts'

const PING = 2
const port = parentPort!
const poll = new Poll()
const events = new Events(4)
const wakeMe = new Waker(poll.registry, PING)
const wakeMain = Waker.fromHandle(workerData.mainWaker as WakerHandle)
const flag = new Int32Array(workerData.atomics as SharedArrayBuffer)

port.postMessage({ workerWaker: wakeMe.handle })

port.on('message', (msg: { mode: 'wakepoll' | 'atomics' | 'stop'; rounds: number }) => {
  if (msg.mode === 'stop') {
    wakeMe.close()
    wakeMain.close()
    poll.close()
    port.close()
    return
  }
  port.postMessage('ready')
  if (msg.mode === 'wakepoll') {
    for (let i = 0; i < msg.rounds; i++) {
      poll.poll(events, null)
      wakeMain.wake()
    }
  } else {
    // flag[0]: 1 = ping pending (main → worker), 2 = pong pending (worker → main)
    for (let i = 0; i < msg.rounds; i++) {
      // Wait on the value seen: waiting only while it is 0 would spin while it is still 2.
      for (let v; (v = Atomics.load(flag, 0)) !== 1; ) Atomics.wait(flag, 0, v)
      Atomics.store(flag, 0, 2)
      Atomics.notify(flag, 0)
    }
  }
})
