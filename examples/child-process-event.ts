// npm run demo:child-event: a child process woken by a SyncEvent (crosvm's Event is
// inter-process). The parent makes two SyncEvents, `go` and `done`, and hands their fds to a
// child in `spawn`'s stdio array (the child sees them as fds 3 and 4); the child adopts them
// with `SyncEvent.fromFd`, blocks in `go.wait()`, does its round of work and signals `done`,
// which the parent's Poll reports. No pipe, no message: only the two event fds cross.
//
//   npm run demo:child-event -- --rounds 5
//
// A SyncEvent crosses as one fd — an eventfd on Linux, an unlinked FIFO on macOS and FreeBSD —
// which the child gets in spawn's `stdio` array, or as an inheritable handle on Windows, whose
// value the child gets in its argv (spawn's extra `stdio` entries are C runtime fds there).

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { Events, Interest, Poll, SyncEvent } from '../index.ts'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    child: { type: 'boolean', default: false },
    fds: { type: 'string', default: '3,4' }, // where the child finds the two events
  },
})
const ROUNDS = Number(values.rounds)
const LIMIT_MS = 10_000

if (values.child) {
  // The child: `--fds` names the parent's two events (fds 3 and 4 on Unix, handle values on Windows).
  const [go, done] = values.fds.split(',').map((fd) => SyncEvent.fromFd(Number(fd))) as [SyncEvent, SyncEvent]
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
  const windows = process.platform === 'win32'
  const fds = windows ? `${go.fd},${done.fd}` : '3,4' // reading `fd` on Windows makes the handle inheritable
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--rounds', String(ROUNDS), '--fds', fds]
  const child = spawn(process.execPath, args, {
    stdio: windows ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'inherit', 'inherit', go.fd, done.fd],
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
