// Row 7's measuring process: a worker that accepts and closes connections without ever
// leaving poll.poll (the README's worker pattern, issue #13), and reports its process's
// resident set size before and after, each after a full garbage collection. Nothing awaits
// in between, so no finalizer that waits for the event loop runs.
//
//   node --expose-gc --import tsx bench/rows/accept-memory-child.ts <connections> <warmup>
//
// Prints {"baseline": bytes, "after": bytes}.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'

import { Events, Interest, Poll, TcpListener, TcpStream } from '../../index.ts'

interface Job {
  connections: number
  warmup: number
}

function acceptLoop({ connections, warmup }: Job): { baseline: number; after: number } {
  const gc = globalThis.gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  const poll = new Poll()
  const events = new Events(4)
  const listener = TcpListener.bind({ address: '127.0.0.1', port: 0 })
  poll.registry.register(listener, 1, Interest.READABLE)
  const target = listener.localAddress()
  const cycle = () => {
    const client = TcpStream.connect(target)
    let accepted = listener.accept()
    while (accepted === null) {
      poll.poll(events, null)
      accepted = listener.accept()
    }
    accepted[0].close()
    client.close()
  }
  for (let i = 0; i < warmup; i++) cycle()
  gc()
  const baseline = process.memoryUsage.rss()
  for (let i = 0; i < connections; i++) cycle()
  gc()
  const after = process.memoryUsage.rss()
  listener.close()
  poll.close()
  return { baseline, after }
}

if (isMainThread) {
  const job: Job = { connections: Number(process.argv[2]), warmup: Number(process.argv[3] ?? 0) }
  const worker = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
    workerData: { entry: import.meta.url, job },
  })
  worker.once('message', (result: unknown) => process.stdout.write(JSON.stringify(result) + '\n'))
} else {
  parentPort!.postMessage(acceptLoop((workerData as { job: Job }).job))
}
