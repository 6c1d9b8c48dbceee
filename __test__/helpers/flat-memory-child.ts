// The child process of memory-flat.test.ts (and of the bench's memory row): runs one kind of
// create/use/close cycle in a loop that never yields — on its main thread, or in a worker that
// never returns to its event loop — and prints one JSON line: resident memory after a warm-up
// and a garbage collection, and after the measured cycles and another collection.
//
//   node --import tsx flat-memory-child.ts <kind> <cycles> <warmup> <main|worker>
//
// Nothing here awaits between the two measurements, so no finalizer that waits for the event
// loop (Node-API's, FinalizationRegistry's) runs: what they would free counts as growth.

import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'

import { Events, Interest, Poll, SyncEvent, TcpListener, TcpStream, UnixStream, Waker } from '../../index.ts'
import { exposeGc } from './resources.ts'

export const KINDS = [
  'connect-accept-close',
  'waker-fromhandle-wake',
  'poll-waker-create-close',
  'syncevent-unixpair-create-close',
  'sendwithfds-recvwithfds',
  'register-reregister-deregister',
] as const

/** The kinds that need Unix domain sockets (Windows has none). */
export const UNIX_KINDS: readonly Kind[] = ['syncevent-unixpair-create-close', 'sendwithfds-recvwithfds']
export type Kind = (typeof KINDS)[number]

export interface FlatMemoryResult {
  kind: Kind
  where: 'main' | 'worker'
  cycles: number
  /** RSS in bytes after the warm-up (and a GC), and after the cycles (and a GC). */
  before: number
  after: number
}

/** One cycle of `kind`, with what it needs set up once. */
function cycleOf(kind: Kind): () => void {
  switch (kind) {
    case 'connect-accept-close': {
      // The README's worker pattern: accept in a loop that only ever leaves poll.poll to accept.
      const poll = new Poll()
      const events = new Events(4)
      const listener = TcpListener.bind({ address: '127.0.0.1', port: 0 })
      poll.registry.register(listener, 1, Interest.READABLE)
      const target = listener.localAddress()
      return () => {
        const client = TcpStream.connect(target)
        let accepted = listener.accept()
        while (accepted === null) {
          poll.poll(events, null)
          accepted = listener.accept()
        }
        accepted[0].close()
        client.close()
      }
    }
    case 'waker-fromhandle-wake': {
      const poll = new Poll()
      const events = new Events(4)
      const handle = new Waker(poll.registry, 1).handle
      return () => {
        Waker.fromHandle(handle).wake()
        poll.poll(events, 0)
      }
    }
    case 'poll-waker-create-close':
      return () => {
        const poll = new Poll()
        const waker = new Waker(poll.registry, 1)
        waker.close()
        poll.close()
      }
    case 'sendwithfds-recvwithfds': {
      // A descriptor passed and closed per cycle, as a server handing connections on does:
      // a SyncEvent's fd out, the copy back in, adopted and closed.
      const [a, b] = UnixStream.pair()
      const event = new SyncEvent()
      const fds = [event]
      const out = Buffer.from('e')
      const buf = Buffer.alloc(8)
      return () => {
        if (a.sendWithFds(out, fds) !== 1) throw new Error('sendWithFds: short or blocked')
        const got = b.recvWithFds(buf, 1)
        if (got === null || got.fds.length !== 1) throw new Error('recvWithFds: nothing came')
        SyncEvent.fromFd(got.fds[0]!).close()
      }
    }
    case 'register-reregister-deregister': {
      // Registration churn on one Poll (bench row 5's "registrations", as a bound): each cycle
      // registers one of 1000 SyncEvents, moves it to another token, and takes it
      // off again; the registration record must go with the deregister, not with a finalizer.
      const poll = new Poll()
      const sources = Array.from({ length: 1000 }, () => new SyncEvent())
      let next = 0
      return () => {
        const source = sources[next]!
        next = (next + 1) % sources.length
        poll.registry.register(source, next, Interest.READABLE)
        poll.registry.reregister(source, next + 1000, Interest.READABLE)
        poll.registry.deregister(source)
      }
    }
    case 'syncevent-unixpair-create-close':
      return () => {
        new SyncEvent().close()
        const [a, b] = UnixStream.pair()
        a.close()
        b.close()
      }
  }
}

/** Runs `warmup` then `cycles` cycles of `kind` on this thread, never yielding. */
export function measure(kind: Kind, cycles: number, warmup: number, where: 'main' | 'worker'): FlatMemoryResult {
  const gc = exposeGc()
  const cycle = cycleOf(kind)
  for (let i = 0; i < warmup; i++) cycle()
  gc()
  const before = process.memoryUsage().rss
  for (let i = 0; i < cycles; i++) cycle()
  gc()
  const after = process.memoryUsage().rss
  return { kind, where, cycles, before, after }
}

interface Job {
  kind: Kind
  cycles: number
  warmup: number
}

if (isMainThread && process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [kind, cycles, warmup, where] = process.argv.slice(2) as [Kind, string, string, 'main' | 'worker']
  if (!KINDS.includes(kind)) throw new TypeError(`unknown kind ${kind}`)
  const job: Job = { kind, cycles: Number(cycles), warmup: Number(warmup) }
  if (where === 'worker') {
    const worker = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
      workerData: { entry: import.meta.url, job },
    })
    worker.once('message', (result: FlatMemoryResult) => console.log(JSON.stringify(result)))
    worker.once('error', (err) => {
      console.error(err)
      process.exitCode = 1
    })
  } else {
    console.log(JSON.stringify(measure(job.kind, job.cycles, job.warmup, 'main')))
  }
} else if (!isMainThread && (workerData as { job?: Job } | undefined)?.job !== undefined) {
  // In the worker: the whole measurement is one synchronous run of this module's top level.
  const { job } = workerData as { job: Job }
  parentPort!.postMessage(measure(job.kind, job.cycles, job.warmup, 'worker'))
}
