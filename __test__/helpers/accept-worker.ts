// Worker side of listen-options.test.ts: listens with the options it is given, posts the port,
// then accepts (closing each accepted stream at once) until `count` connections have come, and
// posts how many it accepted.

import { parentPort, workerData } from 'node:worker_threads'

import { Events, Interest, Poll, TcpListener, type TcpListenOptions } from '../../index.ts'

const { options, count } = workerData as { options: TcpListenOptions; count: number }
const poll = new Poll()
const events = new Events(256)
const listener = TcpListener.bind(options)
poll.registry.register(listener, 1, Interest.READABLE)
parentPort!.postMessage({ port: listener.localAddress().port })
let accepted = 0
while (accepted < count) {
  poll.poll(events, null)
  for (let a = listener.accept(); a !== null; a = listener.accept()) {
    a[0].close()
    accepted++
  }
}
listener.close()
poll.close()
parentPort!.postMessage({ accepted })
