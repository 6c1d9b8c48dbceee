// SyncEvent across processes on Windows (issue #17): `event.fd` is the event object's handle
// value, made inheritable when read, so a child that `spawn` starts afterwards has it at the
// same value; the parent passes the number in argv and the child adopts it with
// `SyncEvent.fromFd`. A signal in one process reaches a Poll or WaitContext in the other
// (through the thread-pool wait of sys/windows/sync_event.rs), round after round as each side
// consumes what it was sent. Windows only (run under wine by scripts/cross/check-windows-node.sh);
// inter-process.test.ts covers Linux, where the fd crosses in `spawn`'s stdio array.
// Only the Poll test fails without the thread-pool wait: the binding's blocking waits on
// Windows run in 20 ms slices, and a level-triggered WaitContext looks at the event at each.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { Events, Interest, Poll, SyncEvent } from '../index.ts'
import { stdoutLines } from './helpers/child.js'
import { pollTokens } from './helpers/expect.js'
import { onWindows } from './helpers/os.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const script = fileURLToPath(new URL('./helpers/handle-child.ts', import.meta.url))
const HANG_MS = 10_000
const ROUNDS = 3

const windowsTest = onWindows ? test.serial : test.skip

interface Running {
  nextLine(): Promise<string>
  exited: Promise<number | null>
}

/** Runs helpers/handle-child.ts; its stdout is a pipe of node's own (a Windows pipe under wine). */
function child(t: ExecutionContext, args: string[]): Running {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill()
  })
  const out = stdoutLines(proc)
  return { nextLine: out.nextLine, exited: out.exited.then(({ code }) => code) }
}

function newEvent(t: ExecutionContext): SyncEvent {
  const event = new SyncEvent()
  t.teardown(() => event.close())
  return event
}

windowsTest("fd is the handle value; a child's Poll sees the parent's signals, the parent's Poll and wait the child's", async (t) => {
  const toChild = newEvent(t)
  const toParent = newEvent(t)
  t.true(Number.isSafeInteger(toChild.fd) && toChild.fd > 0)
  const clone = toChild.tryClone()
  t.not(clone.fd, toChild.fd, 'each clone has its own handle')
  clone.close()
  t.throws(() => clone.fd, { code: 'ERR_CLOSED' })
  const poll = new Poll()
  t.teardown(() => poll.close())
  poll.registry.register(toParent, 5, Interest.READABLE)
  const events = new Events(2)
  const c = child(t, ['poll', String(toChild.fd), String(toParent.fd), String(ROUNDS)])
  t.is(await c.nextLine(), 'ready')
  for (let round = 0; round < ROUNDS; round++) {
    toChild.signal()
    t.is(await c.nextLine(), '[42]', `round ${round}: the child's Poll saw the signal`)
    t.is(await c.nextLine(), 'signaled', `round ${round}: the child consumed it`)
    t.deepEqual(pollTokens(poll, events, HANG_MS), [5], `round ${round}: the parent's Poll saw the answer`)
    t.is(toParent.waitTimeout(HANG_MS), 'signaled', `round ${round}: the parent's wait returned`)
    t.is(toChild.waitTimeout(0), 'timeout', `round ${round}: consumed in the child`)
  }
  t.is(await c.exited, 0)
})

windowsTest("a child's WaitContext sees the parent's signals; the parent's waitAsync the child's", async (t) => {
  const toChild = newEvent(t)
  const toParent = newEvent(t)
  const c = child(t, ['wait-context', String(toChild.fd), String(toParent.fd), String(ROUNDS)])
  t.is(await c.nextLine(), 'ready')
  for (let round = 0; round < ROUNDS; round++) {
    toChild.signal()
    t.is(await c.nextLine(), '[8]', `round ${round}: the child's WaitContext saw the signal`)
    t.is(await c.nextLine(), 'reset')
    t.is(await toParent.waitAsync(HANG_MS), 'signaled', `round ${round}: the parent's waitAsync returned`)
  }
  t.is(await c.exited, 0)
})
