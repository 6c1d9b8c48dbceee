// Where the echo row's two sides run. On a machine of two CPUs the scheduler decides, round by
// round, whether server and client share a CPU — and a sender whose client shares its CPU is
// preempted by the client it just woke (perf's sched_switch showed the wakepoll server switched
// out at the end of nearly every send that way, the raw server far less often, only because of
// where each process happened to land). Placement then weighs more than the servers do. So the
// row pins the server side (this process, its workers and the processes it spawns) to one CPU
// and the client to another, the same for every server compared. Linux only (taskset, from
// util-linux); elsewhere, or with fewer than two CPUs, nothing is pinned and the row says so.

import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

export interface Placement {
  /** What the row's notes say about it. */
  description: string
  /** The command that runs `file args…` on the client's CPU. */
  clientCommand(file: string, args: string[]): [string, string[]]
  /** Gives this process back the CPUs it had. */
  restore(): void
}

const unpinned = (why: string): Placement => ({
  description: `not pinned (${why})`,
  clientCommand: (file, args) => [file, args],
  restore() {},
})

function taskset(args: string[]): string | null {
  try {
    return execFileSync('taskset', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return null
  }
}

/** Pins this process (every thread, and what it starts later) to CPU 0; the client goes to CPU 1. */
export function pinApart(): Placement {
  if (process.platform !== 'linux') return unpinned(`no taskset on ${process.platform}`)
  if (availableParallelism() < 2) return unpinned('one CPU')
  // "pid 123's current affinity list: 0,1"
  const before = taskset(['-pc', String(process.pid)])?.trim().split(': ')[1]
  if (!before || taskset(['-a', '-pc', '0', String(process.pid)]) === null) return unpinned('taskset failed')
  return {
    description: 'server side (this process, its workers, the raw server) on CPU 0, client on CPU 1',
    clientCommand: (file, args) => ['taskset', ['-c', '1', file, ...args]],
    restore() {
      taskset(['-a', '-pc', before, String(process.pid)])
    },
  }
}
