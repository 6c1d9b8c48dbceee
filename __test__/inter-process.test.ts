// SyncEvent across processes (issue #17; crosvm's Event is inter-process): the parent passes
// `event.fd` to a real child process in `spawn`'s stdio array, the child adopts it with
// `SyncEvent.fromFd(3)`, and a signal in one process is seen by wait / waitAsync / a Poll / a
// WaitContext in the other. A bad descriptor is a clear system error, never a crash, and is
// left alone. On Linux the descriptor is an eventfd; on macOS, FreeBSD and the libkqueue build
// (scripts/cross/check-libkqueue.sh runs this file there) an unlinked FIFO opened read-write.
// Windows: inter-process-windows.test.ts.

import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { Events, Interest, Poll, SyncEvent, WaitContext } from '../index.ts'
import { stdoutLines } from './helpers/child.js'
import { outOfRange, pollTokens, unchecked } from './helpers/expect.js'
import { testUnlessLibkqueueGap } from './helpers/libkqueue.js'
import { hangBound, onEpoll, onWindows } from './helpers/os.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const script = fileURLToPath(new URL('./helpers/event-child.ts', import.meta.url))
const HANG_MS = hangBound(10_000)

interface Running {
  nextLine(): Promise<string>
  exited: Promise<number | null>
}

/** Runs helpers/event-child.ts `mode` with `fd` as the child's fd 3; killed when the test ends. */
function child(t: ExecutionContext, mode: string[], fd: number | 'ignore'): Running {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...mode], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit', fd],
  })
  t.teardown(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
  })
  const out = stdoutLines(proc)
  return { nextLine: out.nextLine, exited: out.exited.then(({ code }) => code) }
}

function newEvent(t: ExecutionContext): SyncEvent {
  const event = new SyncEvent()
  t.teardown(() => event.close())
  return event
}

// Every Unix: one descriptor carries the event (an eventfd, a FIFO).
const unixTest = onWindows ? test.skip : test

unixTest("a child's signal is seen by the parent's wait and Poll", async (t) => {
  const event = newEvent(t)
  const poll = new Poll()
  t.teardown(() => poll.close())
  poll.registry.register(event, 5, Interest.READABLE)
  const c = child(t, ['signal'], event.fd)
  t.is(await c.nextLine(), 'signalled')
  t.is(await c.exited, 0)
  t.deepEqual(pollTokens(poll, new Events(2), HANG_MS), [5])
  t.is(event.waitTimeout(HANG_MS), 'signaled')
})

unixTest("a child's signal is seen by the parent's WaitContext and waitAsync", async (t) => {
  const event = newEvent(t)
  const context = new WaitContext()
  t.teardown(() => context.close())
  context.add(event, 8)
  const c = child(t, ['signal'], event.fd)
  t.is(await c.nextLine(), 'signalled')
  t.deepEqual(context.waitTimeout(HANG_MS), [8])
  t.is(await event.waitAsync(HANG_MS), 'signaled')
  t.deepEqual(context.waitTimeout(0), [], 'waitAsync consumed it')
})

for (const mode of ['wait', 'wait-async', 'poll'] as const) {
  // waitAsync waits through a Poll's fd, which libkqueue never makes readable (gap 1).
  const declare = onWindows ? test.skip : mode === 'wait-async' ? testUnlessLibkqueueGap(1) : test
  declare(`the parent's signal wakes a child blocked in ${mode}`, async (t) => {
    const event = newEvent(t)
    const c = child(t, [mode], event.fd)
    t.is(await c.nextLine(), 'ready')
    event.signal()
    t.is(await c.nextLine(), mode === 'poll' ? '[42]' : 'signaled')
    t.is(await c.exited, 0)
    if (mode !== 'poll') t.is(event.waitTimeout(0), 'timeout', 'the child consumed the signal')
  })
}

unixTest('a descriptor that is not an event is EINVAL (and left open), a closed one EBADF', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wakepoll-fd-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = fs.openSync(path.join(dir, 'f'), 'w+')
  t.teardown(() => fs.closeSync(file))
  t.throws(() => SyncEvent.fromFd(file), { code: 'EINVAL' })
  fs.writeSync(file, 'still open')
  // A selector's fd (an epoll fd; libkqueue's kqueue fd, a pipe end) is no event's either.
  const poll = new Poll()
  t.teardown(() => poll.close())
  const epfd = unchecked<{ fd?: number }>(poll).fd
  if (typeof epfd === 'number') t.throws(() => SyncEvent.fromFd(epfd), { code: 'EINVAL' })
  const spare = fs.openSync(path.join(dir, 'g'), 'w')
  fs.closeSync(spare)
  const badf = t.throws(() => SyncEvent.fromFd(spare), { code: 'EBADF' }) as { syscall?: string } | undefined
  t.is(badf?.syscall, 'fstat')
  // A FIFO opened for one direction: no eventfd, and no event's FIFO (those are read-write).
  const fifo = path.join(dir, 'fifo')
  execFileSync('mkfifo', [fifo])
  const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
  t.teardown(() => fs.closeSync(reader))
  const writer = fs.openSync(fifo, fs.constants.O_WRONLY)
  t.teardown(() => fs.closeSync(writer))
  t.throws(() => SyncEvent.fromFd(reader), { code: 'EINVAL' })
  t.throws(() => SyncEvent.fromFd(writer), { code: 'EINVAL' })
  fs.writeSync(writer, 'x')
  t.is(fs.readSync(reader, Buffer.alloc(4)), 1, 'both left open')
  // In a child: fd 3 is a file there.
  const c = child(t, ['bad', '3'], file)
  t.is(await c.nextLine(), 'EINVAL')
  t.is(await c.exited, 0)
})

test('fromFd: a negative or non-integer fd is a RangeError; a non-number a TypeError', (t) => {
  t.throws(() => SyncEvent.fromFd(-1), outOfRange)
  t.throws(() => SyncEvent.fromFd(1.5), outOfRange)
  t.throws(() => SyncEvent.fromFd(unchecked('3')), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
})

unixTest('fd is the eventfd or the unlinked FIFO; each clone has its own; a closed event has none (ERR_CLOSED)', (t) => {
  const event = newEvent(t)
  const clone = event.tryClone()
  t.true(Number.isInteger(event.fd) && event.fd >= 0)
  t.not(event.fd, clone.fd)
  if (onEpoll) {
    t.is(fs.readlinkSync(`/proc/self/fd/${event.fd}`), 'anon_inode:[eventfd]')
  } else {
    const stat = fs.fstatSync(event.fd)
    t.true(stat.isFIFO())
    t.is(stat.nlink, 0, 'no name left behind')
  }
  clone.close()
  t.throws(() => clone.fd, { code: 'ERR_CLOSED' })
})
