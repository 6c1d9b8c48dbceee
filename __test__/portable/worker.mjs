// The worker side of the portable tests: runs workerData.scenario. Posts {type: 'started', tid}
// first (tid: its thread id on Linux, for workers.mjs's blockedInEpoll), then what the
// scenario says.
import { parentPort, workerData } from 'node:worker_threads'
import { readFileSync } from 'node:fs'
import { AtomicWaker, Events, Poll, SyncEvent, Waker } from 'wakepoll'

function threadId() {
  try {
    return Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0])
  } catch {
    return 0
  }
}

const { scenario, data } = workerData
const started = (extra = {}) => parentPort.postMessage({ type: 'started', tid: threadId(), ...extra })

switch (scenario) {
  // Wakes the main thread's Poll through a Waker handle, `data.times` times, each on request.
  case 'wake': {
    const waker = Waker.fromHandle(data.waker)
    started()
    parentPort.on('message', (m) => {
      if (m === 'wake') waker.wake()
      if (m === 'close') {
        waker.close()
        parentPort.close()
      }
    })
    break
  }
  // Owns a Poll with a Waker, hands out the Waker's handle, and reports each blocking poll.
  case 'own-poll': {
    const poll = new Poll()
    const waker = new Waker(poll.registry, 9)
    started({ waker: waker.handle })
    const events = new Events(4)
    const n = poll.poll(events, null)
    parentPort.postMessage({ type: 'polled', n, token: events.token(0) })
    poll.close()
    break
  }
  // Blocks in poll(null) with nothing that can ever wake it.
  case 'block-poll': {
    const poll = new Poll()
    started()
    poll.poll(new Events(4), null)
    parentPort.postMessage({ type: 'returned' })
    break
  }
  // Blocks in SyncEvent.wait() on an event nobody signals.
  case 'block-sync-event': {
    const event = new SyncEvent()
    started()
    event.wait()
    parentPort.postMessage({ type: 'returned' })
    break
  }
  // Leaves a pollAsync pending on a Poll nobody wakes.
  case 'pending-poll-async': {
    const poll = new Poll()
    poll.pollAsync(new Events(4)).then(() => parentPort.postMessage({ type: 'returned' }))
    started()
    break
  }
  // Waits in pollAsync until the main thread wakes it, and reports the token.
  case 'poll-async': {
    const poll = new Poll()
    const waker = new Waker(poll.registry, 3)
    const events = new Events(4)
    poll.pollAsync(events, null).then((n) => {
      parentPort.postMessage({ type: 'polled', n, token: events.token(0) })
      poll.close()
    })
    started({ waker: waker.handle })
    break
  }
  // Signals a SyncEvent and wakes an AtomicWaker, each when told.
  case 'signal': {
    const event = data.event ? SyncEvent.fromHandle(data.event) : undefined
    const atomic = data.atomic ? AtomicWaker.fromHandle(data.atomic) : undefined
    started()
    parentPort.on('message', (m) => {
      if (m === 'signal') event.signal()
      if (m === 'wake') atomic.wake()
      if (m === 'close') {
        event?.close()
        atomic?.close()
        parentPort.close()
      }
    })
    break
  }
  default:
    throw new Error(`unknown scenario ${scenario}`)
}
