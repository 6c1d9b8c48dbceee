// A socket-activated server for listen-fds.test.ts, started by systemd-socket-activate or by
// `sh -c 'LISTEN_PID=$$ exec node …'` with its descriptors at 3, 4, ….
//
//   node --import tsx activated-server.ts <report|keep|worker|serve>
//
// report: prints what listenFds() found (names, fds, classes) or its error's code, the
//         LISTEN_* variables left in process.env and whether fd 3 is open, then exits.
// keep:   the same with { unsetEnvironment: false }.
// worker: calls listenFds() in a worker (whose process.env is its own copy), then reports
//         what the worker found and what is left in the main thread's process.env, which on
//         Node reads the process's real environment.
// serve:  reports, then serves one client on each socket: a stream socket (an accepted
//         connection or an Accept=yes one) and a datagram get `<name>:<what they sent>` back.
//         Prints `served <name>` for each, and exits once every socket has served one.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'

import {
  Events,
  Interest,
  listenFds,
  Poll,
  TcpListener,
  TcpStream,
  UdpSocket,
  UnixListener,
  UnixStream,
  type ListenFd,
} from '../../index.ts'
import { HANG_MS, VARIABLES, type Report } from './activation-report.ts'
import { isOpen } from './fd-flags.ts'

function describe(found: ListenFd[]): Report['found'] {
  return found.map(({ name, fd, socket }) => ({ name, fd, kind: socket === null ? null : socket.constructor.name }))
}

function left(): string[] {
  return VARIABLES.filter((name) => process.env[name] !== undefined)
}

type Stream = TcpStream | UnixStream

/** Serves one client on each socket of `found` (see the header). */
function serve(found: ListenFd[]): void {
  const poll = new Poll()
  const events = new Events(16)
  const buf = Buffer.alloc(256)
  // What each token is: a socket of `found` still waiting for its client, or a connection.
  const waiting = new Map<number, ListenFd>()
  const streams = new Map<number, { name: string; stream: Stream }>()
  let next = 0
  for (const item of found) {
    const socket = item.socket
    if (socket === null) continue
    const token = next++
    if (socket instanceof TcpStream || socket instanceof UnixStream) {
      streams.set(token, { name: item.name, stream: socket })
    } else {
      waiting.set(token, item)
    }
    poll.registry.register(socket, token, Interest.READABLE)
  }
  const answer = (token: number): void => {
    const { name, stream } = streams.get(token)!
    const n = stream.read(buf)
    if (n === null) return
    stream.write(Buffer.from(`${name}:${buf.toString('utf8', 0, n)}`))
    stream.close()
    streams.delete(token)
    console.log(`served ${name}`)
  }
  const deadline = performance.now() + HANG_MS
  while (waiting.size > 0 || streams.size > 0) {
    const left = deadline - performance.now()
    if (left <= 0) throw new Error(`not served within ${HANG_MS} ms`)
    poll.poll(events, left)
    for (const event of events) {
      if (streams.has(event.token)) {
        answer(event.token)
        continue
      }
      const item = waiting.get(event.token)
      const socket = item?.socket
      if (socket instanceof TcpListener || socket instanceof UnixListener) {
        const accepted = socket.accept()
        if (accepted === null) continue
        const token = next++
        streams.set(token, { name: item!.name, stream: accepted[0] })
        poll.registry.register(accepted[0], token, Interest.READABLE)
        waiting.delete(event.token)
        socket.close()
      } else if (socket instanceof UdpSocket) {
        const got = socket.recvFrom(buf)
        if (got === null) continue
        socket.sendTo(Buffer.from(`${item!.name}:${buf.toString('utf8', 0, got.bytes)}`), got.address)
        waiting.delete(event.token)
        socket.close()
        console.log(`served ${item!.name}`)
      }
    }
  }
  poll.close()
}

const mode = isMainThread ? process.argv[2] : (workerData as { mode: string }).mode
if (!isMainThread) {
  const found = listenFds()
  const report: Report = { pid: process.pid, found: describe(found), left: left() }
  for (const { socket } of found) socket?.close()
  parentPort!.postMessage(report)
} else if (mode === 'worker') {
  const worker = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
    workerData: { entry: import.meta.url, mode },
  })
  worker.once('message', (report: Report) => {
    console.log(JSON.stringify({ ...report, mainLeft: left() }))
  })
  worker.once('error', (err) => {
    console.error(err)
    process.exitCode = 1
  })
} else {
  let found: ListenFd[] = []
  let error: string | undefined
  try {
    found = listenFds(mode === 'keep' ? { unsetEnvironment: false } : undefined)
  } catch (err) {
    if (mode === 'serve') throw err
    error = (err as { code?: string }).code ?? String(err)
  }
  // fd 3 is the first passed: whether it is still open (when nothing took it).
  const open = [3].filter(isOpen)
  console.log(JSON.stringify({ pid: process.pid, found: describe(found), left: left(), open, error } satisfies Report))
  if (mode === 'serve') serve(found)
  else for (const { socket } of found) socket?.close()
}
