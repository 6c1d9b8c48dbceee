// The other process of descriptors-processes.test.ts. Run as
//   node --import tsx fds-child.ts <mode>
// with a UnixStream to the parent at fd 3 (modes that pass descriptors) or the descriptors to
// check at 0, 3, 4 and 5 (adopt-errors). Prints one line per step; every wait is a Poll with a
// deadline, so a broken parent makes this exit with an error instead of hanging.

import {
  Events,
  Interest,
  Poll,
  SyncEvent,
  TcpListener,
  TcpStream,
  UdpSocket,
  UnixDatagram,
  UnixListener,
  UnixStream,
} from '../../index.ts'
import { fdFlags, haveFdInfo, isOpen } from './fd-flags.ts'

const HANG_MS = 10_000
const CLASSES = { TcpListener, TcpStream, UdpSocket, UnixListener, UnixStream, UnixDatagram } as const
type ClassName = keyof typeof CLASSES

/** Polls until `token` is reported; throws after HANG_MS. */
function waitToken(poll: Poll, token: number): void {
  const events = new Events(8)
  const deadline = performance.now() + HANG_MS
  for (;;) {
    const left = deadline - performance.now()
    if (left <= 0) throw new Error(`token ${token}: no event within ${HANG_MS} ms`)
    poll.poll(events, left)
    for (const event of events) if (event.token === token) return
  }
}

/** The parent's stream at fd 3, and one received descriptor (waiting for it). */
function receiveOne(stream: UnixStream, poll: Poll): number {
  const buf = Buffer.alloc(16)
  for (;;) {
    const got = stream.recvWithFds(buf, 1)
    if (got !== null) {
      if (got.fds.length !== 1) throw new Error(`expected one descriptor, got ${got.fds.length}`)
      return got.fds[0]!
    }
    waitToken(poll, 3)
  }
}

function parentStream(poll: Poll): UnixStream {
  const stream = UnixStream.fromFd(3)
  poll.registry.register(stream, 3, Interest.READABLE)
  return stream
}

const mode = process.argv[2]
const poll = new Poll()
switch (mode) {
  case 'adopt-errors': {
    // fd 0: libuv's stdin socketpair end (a UnixStream, blocking); 3: a TcpListener, 4: a
    // UdpSocket (the parent's); 5: a regular file.
    const own: Array<[number, ClassName | null]> = [
      [0, 'UnixStream'],
      [3, 'TcpListener'],
      [4, 'UdpSocket'],
      [5, null],
    ]
    const refused: Array<{ fd: number; as: ClassName; code: string; same: boolean; open: boolean }> = []
    const adopted: Array<{ fd: number; before: unknown; after: unknown }> = []
    for (const [fd, kind] of own) {
      for (const name of Object.keys(CLASSES) as ClassName[]) {
        if (name === kind) continue
        const before = haveFdInfo ? JSON.stringify(fdFlags(fd)) : ''
        let code = 'none'
        try {
          CLASSES[name].fromFd(fd)
        } catch (err) {
          code = (err as { code?: string }).code ?? String(err)
        }
        const after = haveFdInfo ? JSON.stringify(fdFlags(fd)) : ''
        refused.push({ fd, as: name, code, same: before === after, open: isOpen(fd) })
      }
      if (kind !== null) {
        const before = haveFdInfo ? fdFlags(fd) : null
        const socket = CLASSES[kind].fromFd(fd)
        adopted.push({ fd, before, after: haveFdInfo ? fdFlags(fd) : null })
        socket.close()
      }
    }
    console.log(JSON.stringify({ refused, adopted }))
    break
  }
  case 'recv-event': {
    // The parent's SyncEvent arrives; a signal here wakes the parent's Poll.
    const stream = parentStream(poll)
    const event = SyncEvent.fromFd(receiveOne(stream, poll))
    event.signal()
    console.log('signalled')
    break
  }
  case 'send-event': {
    // This process's SyncEvent goes to the parent; the parent's signal wakes this Poll.
    const stream = parentStream(poll)
    const event = new SyncEvent()
    poll.registry.register(event, 42, Interest.READABLE)
    if (stream.sendWithFds(Buffer.from('e'), [event]) !== 1) throw new Error('short send')
    console.log('sent')
    waitToken(poll, 42)
    console.log('woken')
    break
  }
  case 'recv-listener': {
    // The parent's listener arrives; this process accepts on it and answers.
    const stream = parentStream(poll)
    const listener = TcpListener.fromFd(receiveOne(stream, poll))
    poll.registry.register(listener, 5, Interest.READABLE)
    console.log(`ready ${listener.localAddress().port}`)
    let accepted = listener.accept()
    while (accepted === null) {
      waitToken(poll, 5)
      accepted = listener.accept()
    }
    const [conn] = accepted
    poll.registry.register(conn, 6, Interest.READABLE)
    const buf = Buffer.alloc(64)
    let n = conn.read(buf)
    while (n === null) {
      waitToken(poll, 6)
      n = conn.read(buf)
    }
    conn.write(Buffer.from(`child ${process.pid} read ${buf.toString('utf8', 0, n)}`))
    conn.close()
    console.log('served')
    break
  }
  case 'send-listener': {
    // This process's listener goes to the parent, which accepts on it after this one exits.
    const stream = parentStream(poll)
    const listener = TcpListener.bind({ address: '127.0.0.1' })
    if (stream.sendWithFds(Buffer.from('l'), [listener]) !== 1) throw new Error('short send')
    const port = listener.localAddress().port
    listener.close()
    console.log(`sent ${port}`)
    break
  }
  default:
    throw new Error(`unknown mode ${mode}`)
}
poll.close()
