// The idle-connection memory row's server (a child process of the bench, so that each
// measurement starts from a fresh heap): listens on 127.0.0.1, prints `{"port":N}`, then
// accepts connections and keeps every one open and idle — registered with a Poll (wakepoll) or
// with the event loop (node:net) — and after each count of `counts` prints its resident set
// size, measured after two full garbage collections, each followed by a turn of the event loop
// (both servers alike: V8 hands freed pages back to the OS in tasks of the loop).
//
//   node --expose-gc --import tsx bench/rows/conns-child.ts wakepoll|node:net <count>…

import net from 'node:net'

import { Events, Interest, Poll, TcpListener, type TcpStream } from '../../index.ts'

const [kind, ...rest] = process.argv.slice(2)
const counts = rest.map(Number)

/** Lets the event loop turn (V8 gives freed pages back to the OS in tasks of the loop). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

/** Collects garbage and lets the loop turn, twice, then prints the resident set size. */
async function report(accepted: number): Promise<void> {
  for (let i = 0; i < 2; i++) {
    globalThis.gc!()
    await settle()
  }
  process.stdout.write(JSON.stringify({ accepted, rss: process.memoryUsage.rss() }) + '\n')
}

if (kind === 'wakepoll') {
  const poll = new Poll()
  const events = new Events(1024)
  const listener = TcpListener.bind({ address: '127.0.0.1', port: 0 })
  poll.registry.register(listener, 0, Interest.READABLE)
  process.stdout.write(JSON.stringify({ port: listener.localAddress().port }) + '\n')
  const held: TcpStream[] = []
  for (const target of counts) {
    while (held.length < target) {
      poll.poll(events, null)
      for (let a = listener.accept(); a !== null; a = listener.accept()) {
        const [stream] = a
        poll.registry.register(stream, held.length + 1, Interest.READABLE)
        held.push(stream)
      }
    }
    await report(held.length)
  }
  // Stays in poll: the bench ends this process once it has read the last report.
  for (;;) poll.poll(events, null)
} else if (kind === 'node:net') {
  const held: net.Socket[] = []
  const targets = [...counts]
  const server = net.createServer((socket) => {
    held.push(socket)
    if (targets.length > 0 && held.length === targets[0]!) {
      targets.shift()
      void report(held.length)
    }
  })
  server.listen({ host: '127.0.0.1', port: 0, backlog: 511 }, () => {
    process.stdout.write(JSON.stringify({ port: (server.address() as net.AddressInfo).port }) + '\n')
  })
} else {
  throw new Error(`unknown server kind ${kind}`)
}
