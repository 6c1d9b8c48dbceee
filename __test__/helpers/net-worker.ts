// Worker side of net-workers.test.ts: takes a TcpStream moved in by handle, writes to it,
// waits (with its own Poll) for the reply and reports what it saw.

import { parentPort, workerData } from 'node:worker_threads'

import { Interest, Poll, TcpStream, type SocketHandle } from '../../index.ts'
import { drain, waitFor } from './net.js'

const { handle } = workerData as { handle: SocketHandle }
const stream = TcpStream.fromHandle(handle)
let second: string | undefined
try {
  TcpStream.fromHandle(handle)
} catch (err) {
  second = (err as NodeJS.ErrnoException).code
}
const poll = new Poll()
poll.registry.register(stream, 1, Interest.READABLE)
const wrote = stream.write(Buffer.from('from-worker'))
waitFor(poll, 1, (e) => e.isReadable(), 10_000)
const reply = drain((b) => stream.read(b)).data.toString()
stream.close()
poll.close()
parentPort!.postMessage({ second, wrote, reply })
