// Descriptors in and out (issue #24, contract section 7a), in one process: `<Class>.fromFd`
// adopts only its own kind and leaves any other descriptor open and untouched, `intoFd()`
// gives the descriptor up (no later event), and Unix sockets pass descriptors with
// `sendWithFds` / `recvWithFds` — close-on-exec on arrival, none leaked by a truncated receive,
// too many refused before any system call. Across processes, with blocking inheritable
// descriptors and with Polls on both sides: descriptors-processes.test.ts; socket activation:
// listen-fds.test.ts; Windows' duplicateFor / fromDuplicate: descriptors-windows.test.ts.

import fs from 'node:fs'
import path from 'node:path'

import test, { type ExecutionContext } from 'ava'

import {
  Interest,
  MAX_FDS_PER_MESSAGE,
  SyncEvent,
  TcpListener,
  TcpStream,
  Timer,
  UdpSocket,
  UnixDatagram,
  UnixListener,
  UnixStream,
  pipe,
  type Socket,
} from '../index.ts'
import { closed, invalidArgType, newPoll, outOfRange, unchecked } from './helpers/expect.js'
import { fdsLinkedTo, openRegularFile, unopenedFd } from './helpers/fds.js'
import { fdFlags, haveFdInfo, isCloseOnExec, isOpen } from './helpers/fd-flags.js'
import { tcpPair, tempDir, tokensWithin, waitFor } from './helpers/net.js'
import { onEmulator, onEpoll, onWindows, QEMU_SCM_LEAK, unixOnly } from './helpers/platform.js'

const CLASSES = { TcpListener, TcpStream, UdpSocket, UnixListener, UnixStream, UnixDatagram } as const
type ClassName = keyof typeof CLASSES

/** The classes this platform has sockets of (Windows has no Unix domain sockets). */
const NAMES: ClassName[] = onWindows
  ? ['TcpListener', 'TcpStream', 'UdpSocket']
  : ['TcpListener', 'TcpStream', 'UdpSocket', 'UnixListener', 'UnixStream', 'UnixDatagram']

/** What each kind is, as the EINVAL message names it. */
const WHAT: Record<ClassName, string> = {
  TcpListener: 'a listening TCP socket',
  TcpStream: 'a TCP stream socket that does not listen',
  UdpSocket: 'a UDP socket',
  UnixListener: 'a listening Unix stream socket',
  UnixStream: 'a Unix stream socket that does not listen',
  UnixDatagram: 'a Unix datagram socket',
}

/** A socket of `name`'s kind (its peers closed at the end of the test). */
function socketOf(t: ExecutionContext, name: ClassName): Socket {
  const keep = (s: Socket) => t.teardown(() => s.close())
  switch (name) {
    case 'TcpListener':
      return TcpListener.bind({ address: '127.0.0.1' })
    case 'TcpStream': {
      const { client } = tcpPair(t, newPoll(t))
      return client
    }
    case 'UdpSocket':
      return UdpSocket.bind({ address: '127.0.0.1' })
    case 'UnixListener':
      return UnixListener.bind(path.join(tempDir(t), 'l.sock'))
    case 'UnixStream': {
      const [a, b] = UnixStream.pair()
      keep(b)
      return a
    }
    case 'UnixDatagram': {
      const [a, b] = UnixDatagram.pair()
      keep(b)
      return a
    }
  }
}

/** A raw descriptor of `name`'s kind (from `intoFd()`), adopted back and closed at the end. */
function rawOf(t: ExecutionContext, name: ClassName): number {
  const fd = socketOf(t, name).intoFd()
  t.teardown(() => {
    // Whoever adopted it closes it; otherwise the test does, as the class it is.
    try {
      CLASSES[name].fromFd(fd).close()
    } catch {
      // adopted (and closed) by the test itself
    }
  })
  return fd
}

for (const name of NAMES) {
  test(`${name}.fromFd adopts its own kind (non-blocking, close-on-exec) and the socket works`, (t) => {
    const fd = socketOf(t, name).intoFd()
    const socket = CLASSES[name].fromFd(fd)
    t.teardown(() => socket.close())
    t.is(socket.fd, fd)
    t.false(socket.closed)
    if (haveFdInfo) t.deepEqual(fdFlags(fd), { nonblocking: true, cloexec: true })
    const poll = newPoll(t)
    poll.registry.register(socket, 1, Interest.READABLE | Interest.WRITABLE)
    t.notThrows(() => poll.registry.deregister(socket))
    socket.close()
    if (!onWindows) t.false(isOpen(fd), 'close() closes the adopted descriptor')
  })

  test(`${name}.fromFd refuses every other kind with EINVAL naming it, and leaves the fd as it was`, (t) => {
    for (const other of NAMES.filter((n) => n !== name)) {
      const fd = rawOf(t, other)
      const before = haveFdInfo ? fdFlags(fd) : undefined
      const err = t.throws(() => CLASSES[name].fromFd(fd), { code: 'EINVAL' }) as (Error & { syscall?: string }) | undefined
      t.true(err?.message.includes(WHAT[other]) && err.message.includes(name), err?.message)
      t.true(['getsockopt', 'getsockname'].includes(err?.syscall ?? ''), err?.syscall)
      if (haveFdInfo) t.deepEqual(fdFlags(fd), before, `${other} as ${name} changed the fd`)
      // Still open and whole: its own class takes it.
      const own = CLASSES[other].fromFd(fd)
      t.is(own.fd, fd)
      own.close()
    }
  })
}

test('fromFd: a non-socket is ENOTSOCK, a closed fd EBADF (ENOTSOCK on Windows), both left alone', (t) => {
  if (!onWindows) {
    const file = openRegularFile(t)
    for (const name of NAMES) {
      t.throws(() => CLASSES[name].fromFd(file), { code: 'ENOTSOCK' })
    }
    fs.writeSync(file, 'still open')
    t.true(isOpen(file))
  }
  for (const name of NAMES) {
    t.throws(() => CLASSES[name].fromFd(unopenedFd()), { code: onWindows ? 'ENOTSOCK' : 'EBADF' })
  }
})

test('fromFd: a negative or fractional fd is a RangeError, a non-number a TypeError', (t) => {
  for (const Class of Object.values(CLASSES)) {
    t.throws(() => Class.fromFd(-1), outOfRange)
    t.throws(() => Class.fromFd(2.5), outOfRange)
    t.throws(() => Class.fromFd(unchecked('3')), invalidArgType)
    t.throws(() => Class.fromFd(unchecked(undefined)), invalidArgType)
  }
})

test('intoFd ends the registration (no later event), closes the object and keeps the fd open', (t) => {
  const poll = newPoll(t)
  const { client, server } = tcpPair(t, poll)
  poll.registry.register(server, 7, Interest.READABLE)
  client.write(Buffer.from('before'))
  waitFor(poll, 7)
  client.write(Buffer.from(' more'))
  const fd = server.intoFd()
  t.true(server.closed)
  t.throws(() => server.read(Buffer.alloc(4)), closed)
  t.throws(() => server.intoFd(), closed)
  t.throws(() => server.fd, closed)
  client.write(Buffer.from(' after'))
  t.deepEqual(tokensWithin(poll, 50), [], 'no event for a socket given up')
  // The same connection, with everything that was sent: adopted again.
  const again = TcpStream.fromFd(fd)
  t.teardown(() => again.close())
  const buf = Buffer.alloc(64)
  let got = ''
  poll.registry.register(again, 8, Interest.READABLE)
  while (got.length < 'before more after'.length) {
    const n = again.read(buf)
    if (n === null) waitFor(poll, 8)
    else got += buf.toString('utf8', 0, n)
  }
  t.is(got, 'before more after')
})

unixOnly('pipe()')('intoFd on pipe ends and Unix sockets gives the fd up unclosed', (t) => {
  const poll = newPoll(t)
  const [tx, rx] = pipe()
  poll.registry.register(rx, 3, Interest.READABLE)
  const rxFd = rx.intoFd()
  const txFd = tx.intoFd()
  t.true(rx.closed && tx.closed)
  fs.writeSync(txFd, 'raw')
  t.deepEqual(tokensWithin(poll, 50), [])
  const buf = Buffer.alloc(8)
  t.is(fs.readSync(rxFd, buf), 3)
  fs.closeSync(rxFd)
  fs.closeSync(txFd)
  const [a, b] = UnixStream.pair()
  t.teardown(() => b.close())
  const fd = a.intoFd()
  t.true(isOpen(fd))
  UnixStream.fromFd(fd).close()
  t.false(isOpen(fd))
})

// ---------------------------------------------------------------- descriptor passing

const passing = unixOnly('descriptor passing (SCM_RIGHTS)')

/** A connected Unix stream pair, closed at the end. */
function streams(t: ExecutionContext): [UnixStream, UnixStream] {
  const [a, b] = UnixStream.pair()
  t.teardown(() => {
    a.close()
    b.close()
  })
  return [a, b]
}

passing('sendWithFds sends numbers and wakepoll objects; they arrive new, close-on-exec, and work', (t) => {
  const [a, b] = streams(t)
  const event = new SyncEvent()
  t.teardown(() => event.close())
  const [tx, rx] = pipe()
  t.teardown(() => {
    tx.close()
    rx.close()
  })
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  t.teardown(() => listener.close())
  const file = openRegularFile(t)
  const items = [event, tx, listener, file]
  t.is(a.sendWithFds(Buffer.from('four'), items), 4)
  const buf = Buffer.alloc(16)
  const got = b.recvWithFds(buf, 8)
  t.is(got?.bytes, 4)
  t.is(buf.toString('utf8', 0, 4), 'four')
  const fds = got?.fds ?? []
  t.is(fds.length, 4)
  for (const fd of fds) {
    t.true(isCloseOnExec(fd), `received fd ${fd} is close-on-exec`)
    t.false([event.fd, tx.fd, listener.fd, file].includes(fd), 'a new descriptor')
  }
  // The objects stay the sender's.
  t.false(event.closed || tx.closed || listener.closed)
  // Each received descriptor is the same object: an event, the pipe's write end, the listener.
  const received = SyncEvent.fromFd(fds[0]!)
  t.teardown(() => received.close())
  received.signal()
  t.is(event.waitTimeout(5000), 'signaled')
  fs.writeSync(fds[1]!, 'via copy')
  fs.closeSync(fds[1]!)
  const poll = newPoll(t)
  poll.registry.register(rx, 1, Interest.READABLE)
  waitFor(poll, 1)
  t.is(rx.read(buf), 8)
  const copy = TcpListener.fromFd(fds[2]!)
  t.teardown(() => copy.close())
  t.deepEqual(copy.localAddress(), listener.localAddress())
  fs.closeSync(fds[3]!)
  t.is(b.recvWithFds(buf, 8), null, 'nothing more queued')
})

passing('a Timer crosses as its timerfd on Linux; elsewhere sending one is ENOTSUP', (t) => {
  const [a, b] = streams(t)
  const timer = new Timer()
  t.teardown(() => timer.close())
  if (!onEpoll) {
    t.throws(() => a.sendWithFds(Buffer.from('t'), [timer]), { code: 'ENOTSUP' })
    return
  }
  t.is(a.sendWithFds(Buffer.from('t'), [timer]), 1)
  const got = b.recvWithFds(Buffer.alloc(1), 1)
  const fd = got!.fds[0]!
  t.teardown(() => fs.closeSync(fd))
  t.is(fs.readlinkSync(`/proc/self/fd/${fd}`), 'anon_inode:[timerfd]')
  // The same timer: its expiry makes the received fd readable in a Poll.
  const poll = newPoll(t)
  poll.registry.register(fd, 4, Interest.READABLE)
  timer.reset(1)
  waitFor(poll, 4)
  t.pass()
})

passing(`a truncated receive closes every descriptor that arrived, throws EMSGSIZE and leaks none${onEmulator ? ` [leak count skipped: ${QEMU_SCM_LEAK}]` : ''}`, (t) => {
  const [a, b] = streams(t)
  const [tx, rx] = pipe()
  t.teardown(() => {
    tx.close()
    rx.close()
  })
  // Linux names each fd's pipe in /proc/self/fd: count the fds of this pipe alone (another
  // test's fds come and go meanwhile). Elsewhere only the error is checked.
  const link = haveFdInfo ? fs.readlinkSync(`/proc/self/fd/${rx.fd}`) : ''
  const count = () => (haveFdInfo && !onEmulator ? fdsLinkedTo(link).size : 0)
  const before = count()
  a.sendWithFds(Buffer.from('xyz'), [rx, tx, rx])
  t.throws(() => b.recvWithFds(Buffer.alloc(8), 1), { code: 'EMSGSIZE', message: /truncated/ })
  t.is(count(), before, 'no received descriptor is left open')
  a.sendWithFds(Buffer.from('z'), [rx])
  t.throws(() => b.recvWithFds(Buffer.alloc(8), 0), { code: 'EMSGSIZE' })
  t.is(count(), before)
})

passing('more descriptors than one message carries is a RangeError before any system call', (t) => {
  const [a, b] = streams(t)
  t.is(MAX_FDS_PER_MESSAGE, 253)
  const [tx, rx] = pipe()
  t.teardown(() => {
    tx.close()
    rx.close()
  })
  const many = new Array<number>(MAX_FDS_PER_MESSAGE + 1).fill(rx.fd)
  t.throws(() => a.sendWithFds(Buffer.from('x'), many), outOfRange)
  t.is(b.recvWithFds(Buffer.alloc(4), 4), null, 'nothing was sent')
  t.throws(() => b.recvWithFds(Buffer.alloc(4), MAX_FDS_PER_MESSAGE + 1), outOfRange)
  // Exactly the most crosses.
  t.is(a.sendWithFds(Buffer.from('x'), many.slice(1)), 1)
  const got = b.recvWithFds(Buffer.alloc(4), MAX_FDS_PER_MESSAGE)
  t.is(got?.fds.length, MAX_FDS_PER_MESSAGE)
  for (const fd of got?.fds ?? []) fs.closeSync(fd)
})

passing('bad arguments of sendWithFds / recvWithFds are TypeErrors and RangeErrors; closed objects ERR_CLOSED', (t) => {
  const [a, b] = streams(t)
  const buf = Buffer.from('x')
  t.throws(() => a.sendWithFds(buf, unchecked(3)), invalidArgType)
  t.throws(() => a.sendWithFds(buf, unchecked(['3'])), invalidArgType)
  t.throws(() => a.sendWithFds(buf, unchecked([{}])), invalidArgType)
  t.throws(() => a.sendWithFds(buf, [-1]), outOfRange)
  t.throws(() => a.sendWithFds(buf, [1.5]), outOfRange)
  t.throws(() => a.sendWithFds(unchecked('x'), []), invalidArgType)
  // A stream carries descriptors with a byte.
  t.throws(() => a.sendWithFds(buf, [0], 0, 0), outOfRange)
  t.throws(() => a.sendWithFds(Buffer.alloc(0), [0]), outOfRange)
  t.is(a.sendWithFds(Buffer.alloc(0), []), 0)
  t.throws(() => b.recvWithFds(buf, -1), outOfRange)
  t.throws(() => b.recvWithFds(buf, unchecked('1')), invalidArgType)
  t.throws(() => b.recvWithFds(buf, 1, 2), outOfRange)
  const event = new SyncEvent()
  event.close()
  t.throws(() => a.sendWithFds(buf, [event]), closed)
  const [c] = UnixStream.pair()
  c.close()
  t.throws(() => a.sendWithFds(buf, [c]), closed)
  t.throws(() => c.sendWithFds(buf, []), closed)
  t.throws(() => c.recvWithFds(buf, 1), closed)
  // Only Unix sockets pass descriptors.
  const udp = UdpSocket.bind({ address: '127.0.0.1' })
  t.teardown(() => udp.close())
  t.throws(() => UnixStream.prototype.sendWithFds.call(unchecked(udp), buf, []), invalidArgType)
})

passing('a range of the buffer is sent and received, as read/write take it', (t) => {
  const [a, b] = streams(t)
  const [tx, rx] = pipe()
  t.teardown(() => {
    tx.close()
    rx.close()
  })
  t.is(a.sendWithFds(Buffer.from('..abc..'), [tx], 2, 3), 3)
  const buf = Buffer.alloc(8, '-')
  const got = b.recvWithFds(buf, 1, 4, 3)
  t.is(got?.bytes, 3)
  t.is(buf.toString(), '----abc-')
  fs.closeSync(got!.fds[0]!)
})

passing('UnixDatagram carries descriptors to its peer (an empty datagram too) and to a path', (t) => {
  const [a, b] = UnixDatagram.pair()
  t.teardown(() => {
    a.close()
    b.close()
  })
  const [tx, rx] = pipe()
  t.teardown(() => {
    tx.close()
    rx.close()
  })
  t.is(a.sendWithFds(Buffer.alloc(0), [rx]), 0)
  const buf = Buffer.alloc(8)
  const first = b.recvWithFds(buf, 2)
  t.is(first?.bytes, 0)
  t.is(first?.fds.length, 1)
  fs.closeSync(first!.fds[0]!)
  const file = path.join(tempDir(t), 'd.sock')
  const bound = UnixDatagram.bind(file)
  t.teardown(() => bound.close())
  const sender = UnixDatagram.unbound()
  t.teardown(() => sender.close())
  t.is(sender.sendToWithFds(Buffer.from('hi'), file, [tx, rx]), 2)
  const got = bound.recvWithFds(buf, 2)
  t.is(got?.bytes, 2)
  t.is(got?.fds.length, 2)
  for (const fd of got!.fds) {
    t.true(isCloseOnExec(fd))
    fs.closeSync(fd)
  }
  t.throws(() => sender.sendToWithFds(Buffer.from('x'), '', []), { code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => sender.sendToWithFds(Buffer.from('x'), path.join(tempDir(t), 'none.sock'), []), {
    code: 'ENOENT',
  })
})

unixOnly('Windows-only duplication')('duplicateFor / fromDuplicate are ENOTSUP on Unix, naming what to use', (t) => {
  const listener = TcpListener.bind({ address: '127.0.0.1' })
  t.teardown(() => listener.close())
  const err = t.throws(() => listener.duplicateFor(process.pid), { code: 'ENOTSUP' })
  t.true(err?.message.includes('sendWithFds'), err?.message)
  t.throws(() => TcpStream.fromDuplicate('00'), { code: 'ENOTSUP' })
  t.throws(() => listener.duplicateFor(-1), outOfRange)
  t.throws(() => UdpSocket.fromDuplicate(unchecked(1)), invalidArgType)
})
