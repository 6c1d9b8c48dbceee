// A socket moved to another worker through `handle` / `fromHandle` works there, and the
// object it came from is closed. The main thread waits with pollAsync (its event loop keeps
// running, so the worker's messages arrive); the reply is the worker's ack.

import { once } from 'node:events'
import { Worker } from 'node:worker_threads'

import { Events, Interest } from '../index.ts'
import { closed, newPoll } from './helpers/expect.js'
import { testUnlessLibkqueueGap } from './helpers/libkqueue.js'
import { drain, tcpPair } from './helpers/net.js'

const bootstrap = new URL('../scripts/ts-worker.mjs', import.meta.url)
const entry = new URL('./helpers/net-worker.ts', import.meta.url).href

testUnlessLibkqueueGap(1)('a TcpStream moved to a worker works there; the old object is closed', async (t) => {
  const poll = newPoll(t)
  const { client, server } = tcpPair(t, poll)
  const handle = server.handle
  t.true(server.closed)
  t.throws(() => server.write(Buffer.from('x')), closed)

  const worker = new Worker(bootstrap, { workerData: { entry, handle } })
  const result = once(worker, 'message')
  const exited = once(worker, 'exit')

  poll.registry.register(client, 1, Interest.READABLE)
  const events = new Events(8)
  let got = ''
  while (got.length < 'from-worker'.length) {
    await poll.pollAsync(events, 10_000)
    t.true(events.length > 0, 'the worker wrote within 10 s')
    got += drain((b) => client.read(b)).data.toString()
  }
  t.is(got, 'from-worker')
  t.is(client.write(Buffer.from('hello-worker')), 12)

  const [message] = (await result) as [{ second: string; wrote: number; reply: string }]
  t.deepEqual(message, { second: 'ERR_CLOSED', wrote: 11, reply: 'hello-worker' })
  const [code] = await exited
  t.is(code, 0)
})
