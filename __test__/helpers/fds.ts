// Real, pollable file descriptors for the tests: FIFOs (named pipes).
//
// A FIFO opened O_RDWR | O_NONBLOCK is one fd that is both ends of a pipe: writable at once
// (the pipe buffer is empty), readable as soon as something is written to it. Writing and
// reading are plain synchronous syscalls, so readiness changes before the next line of the
// test runs: no timing is involved.
//
// File descriptors are process-wide, so a worker can use an fd number that the main thread
// opened (and the other way round).
//
// Windows has no FIFO that a completion port can watch; what wakepoll registers there by number
// is a SOCKET. Its stand-in is a connected loopback TCP pair: `fd` is one end's SOCKET (also
// process-wide), `write` sends from the other end, `drain` reads this end.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { ExecutionContext } from 'ava'

import { Events, Interest, Poll, TcpListener, TcpStream, type SocketHandle, type Source } from '../../index.ts'
import { onEpoll, onWindows, SELECTOR_CTL } from './os.js'

export { onEpoll, onWindows }

const { O_RDWR, O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants

/** A FIFO whose name is already unlinked: only the fds remain. */
function makeFifo(): { path: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wakepoll-test-'))
  const fifo = path.join(dir, 'fifo')
  execFileSync('mkfifo', [fifo])
  return { path: fifo, remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

/** Closes `fd` unless it is already closed (tests may close fds themselves). */
function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EBADF') throw err
  }
}

export interface PipeFd {
  /** The raw fd number (on Windows the SOCKET). */
  readonly fd: number
  /**
   * What the tests register: the fd number on Unix; on Windows the wakepoll socket itself,
   * whose edges `drain` re-arms (a raw SOCKET is level-triggered there: wakepoll cannot see
   * the owner's reads).
   */
  readonly source: Source
  /** Writes `data` (default one byte): makes a reading fd readable. */
  write(data?: string): void
  /** Reads until the pipe is empty (EAGAIN); returns how many bytes it read. */
  drain(): number
  /** Closes the fd (idempotent; also done by the test's teardown). */
  close(): void
  /**
   * For a worker that writes: on Windows the writing end's handle (moved out of this object,
   * whose `write` then fails); on Unix undefined, since the fd number writes in any thread.
   */
  writerHandle(): SocketHandle | undefined
}

function pipeFd(fd: number): PipeFd {
  let open = true
  return {
    fd,
    source: fd,
    write(data = 'x') {
      fs.writeSync(fd, data)
    },
    drain() {
      const buf = Buffer.alloc(4096)
      let total = 0
      for (;;) {
        try {
          const n = fs.readSync(fd, buf, 0, buf.length, null)
          if (n === 0) return total
          total += n
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return total
          throw err
        }
      }
    },
    close() {
      if (open) closeQuietly(fd)
      open = false
    },
    writerHandle: () => undefined,
  }
}

/** A connected loopback TCP pair (Windows' stand-in for a FIFO's two ends). */
export function socketPair(): [TcpStream, TcpStream] {
  using listener = TcpListener.bind({ address: '127.0.0.1' })
  using poll = new Poll()
  poll.registry.register(listener, 1, Interest.READABLE)
  const client = TcpStream.connect({ address: '127.0.0.1', port: listener.localAddress().port })
  const events = new Events(1)
  for (;;) {
    const accepted = listener.accept()
    if (accepted !== null) return [client, accepted[0]]
    poll.poll(events, 5000)
    if (events.isEmpty()) throw new Error('socketPair: no connection within 5 s')
  }
}

/** A socket end as a PipeFd: `write` goes out of `peer` (so `end` becomes readable). */
function socketFd(end: TcpStream, peer: TcpStream | null): PipeFd {
  return {
    fd: end.fd,
    source: end,
    write(data = 'x') {
      const out = peer ?? end
      const n = out.write(Buffer.from(data))
      if (n !== data.length) throw new Error(`socket stand-in: short write ${n}`)
    },
    drain() {
      const buf = Buffer.alloc(4096)
      let total = 0
      for (;;) {
        const n = end.read(buf)
        if (n === null || n === 0) return total
        total += n
      }
    },
    close() {
      end.close()
      peer?.close()
    },
    writerHandle() {
      return (peer ?? end).handle
    },
  }
}

/**
 * One fd that is both ends of a pipe: writable now, readable once written to.
 * Closed when the test ends.
 */
export function openFifo(t: ExecutionContext): PipeFd {
  if (onWindows) {
    const [end, peer] = socketPair()
    const fd = socketFd(end, peer)
    t.teardown(() => fd.close())
    return fd
  }
  const fifo = makeFifo()
  try {
    const end = pipeFd(fs.openSync(fifo.path, O_RDWR | O_NONBLOCK))
    t.teardown(() => end.close())
    return end
  } finally {
    fifo.remove()
  }
}

/**
 * A FIFO opened twice: a read-only end and a write-only end, each non-blocking, so that
 * closing one end is seen by the other (read-closed / write-closed). Closed when the test ends.
 */
export function openFifoEnds(t: ExecutionContext): { reader: PipeFd; writer: PipeFd } {
  if (onWindows) {
    const [a, b] = socketPair()
    const reader = socketFd(a, null)
    const writer = socketFd(b, null)
    t.teardown(() => {
      reader.close()
      writer.close()
    })
    return { reader, writer }
  }
  const fifo = makeFifo()
  try {
    // The reader first: a non-blocking O_WRONLY open fails with ENXIO while there is none.
    const reader = pipeFd(fs.openSync(fifo.path, O_RDONLY | O_NONBLOCK))
    const writer = pipeFd(fs.openSync(fifo.path, O_WRONLY | O_NONBLOCK))
    t.teardown(() => {
      reader.close()
      writer.close()
    })
    return { reader, writer }
  } finally {
    fifo.remove()
  }
}

/**
 * Whether this is Linux, where epoll and eventfd back wakepoll and /proc/self/fd names them.
 * Tests of what only epoll does (EPERM for regular files) or that count fds through /proc run
 * only there; elsewhere (kqueue) they are skipped, never weakened.
 */
export const onLinux = process.platform === 'linux'

/** The system call named in registration errors. */
export { SELECTOR_CTL }

/** The code of registering a number that is not open: no fd (EBADF), or on Windows no socket. */
export const NOT_OPEN = onWindows ? 'ENOTSOCK' : 'EBADF'

/** A regular file's fd (epoll refuses those with EPERM). Closed when the test ends. */
export function openRegularFile(t: ExecutionContext): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wakepoll-test-'))
  try {
    const fd = fs.openSync(path.join(dir, 'file'), 'w+')
    t.teardown(() => closeQuietly(fd))
    return fd
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * An fd number that cannot be open in this process: the soft RLIMIT_NOFILE (fds are always
 * below it). Unlike "a number just closed", no concurrent open can reuse it.
 */
export function unopenedFd(): number {
  // Windows: a handle value far beyond any this process was given (they count up by 4).
  if (onWindows) return 0x7fff_fff0
  // Without /proc (macOS, FreeBSD), a child shell reports the limit it inherited from us.
  const soft = onLinux
    ? /^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'))?.[1]
    : /^(\d+)\s*$/.exec(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }))?.[1]
  if (soft === undefined) throw new Error('cannot read the open-files limit')
  const fd = Number(soft)
  if (fd > 0x7fff_ffff) throw new Error(`open-files limit ${fd} is above the largest fd number`)
  return fd
}

/** The fds of this process whose /proc/self/fd link is `target` (e.g. 'anon_inode:[eventfd]'). */
export function fdsLinkedTo(target: string): Set<number> {
  const found = new Set<number>()
  for (const name of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${name}`) === target) found.add(Number(name))
    } catch {
      // The fd closed while we listed the directory (e.g. readdir's own fd).
    }
  }
  return found
}
