// npm run demo:child-event: a child process woken by a SyncEvent (crosvm's Event is
// inter-process). The parent makes two SyncEvents, `go` and `done`, and hands their fds to a
// child in `spawn`'s stdio array (the child sees them as fds 3 and 4); the child adopts them
// with `SyncEvent.fromFd`, blocks in `go.wait()`, does its round of work and signals `done`,
// which the parent's Poll reports. No pipe, no message: only the two event fds cross.
//
//   npm run demo:child-event -- --rounds 5
//
// A SyncEvent crosses as one fd: an eventfd on Linux, an unlinked FIFO on macOS and FreeBSD.
// Where it cannot cross (fromFd throws ENOTSUP), the demo says so and ends.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { Events, Interest, Poll, SyncEvent } from '../index.ts'

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, child: { type: 'boolean', default: false } },
})
const ROUNDS = Number(values.rounds)
const LIMIT_MS = 10_000

if (values.child) {
  // The child: fds 3 and 4 are the parent's events.
  let go: SyncEvent, done: SyncEvent
  try {
    go = SyncEvent.fromFd(3)
    done = SyncEvent.fromFd(4)
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOTSUP') throw err
    console.log(`this platform's SyncEvent cannot cross processes: ${(err as Error).message}`)
    process.exit(3)
  }
  for (let round = 1; round <= ROUNDS; round++) {
    if (go.waitTimeout(LIMIT_MS) === 'timeout') throw new Error('child: the parent never signalled')
    process.stdout.write(`  child ${process.pid}: woken for round ${round}\n`)
    done.signal()
  }
  go.close()
  done.close()
} else {
  const go = new SyncEvent()
  const done = new SyncEvent()
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--rounds', String(ROUNDS)], {
    stdio: ['ignore', 'inherit', 'inherit', go.fd, done.fd],
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const poll = new Poll()
  const events = new Events(1)
  poll.registry.register(done, 1, Interest.READABLE)
  for (let round = 1; round <= ROUNDS; round++) {
    const start = performance.now()
    go.signal()
    // pollAsync, not poll: the parent's event loop must see the child exit if it gives up.
    const answered = await Promise.race([poll.pollAsync(events, LIMIT_MS), exited.then(() => -1)])
    if (answered === -1 && (await exited) === 3) process.exit(0) // cannot cross here (said so)
    if (answered <= 0) throw new Error('parent: the child never answered')
    done.reset()
    console.log(`parent ${process.pid}: round ${round} answered in ${(performance.now() - start).toFixed(3)} ms`)
  }
  const code = await exited
  poll.close()
  go.close()
  done.close()
  if (code !== 0) throw new Error(`the child exited with ${code}`)
  console.log(`${ROUNDS} rounds across processes, through two event fds`)
}
