// Where the echo row's two sides run. On a machine of two CPUs the scheduler decides, round by
// round, whether server and client share a CPU — and a sender whose client shares its CPU is
// preempted by the client it just woke (perf's sched_switch showed the wakepoll server switched
// out at the end of nearly every send that way, the raw server far less often, only because of
// where each process happened to land). Placement then weighs more than the servers do. So the
// row pins the server side (this process, its workers and the processes it spawns) to one CPU
// and the client to another, the same for every server compared. Row 3 pins its two threads
// (the main thread and its worker) once to one CPU and once to two, as the core bench's row 1
// does: a wake-up across CPUs of a VM is dominated by waking the other vCPU, a wake-up within
// one CPU by what the methods themselves cost. Linux only (taskset, from util-linux);
// elsewhere, or with fewer than two CPUs, nothing is pinned and the rows say so.

import { execFileSync } from 'node:child_process'
import { readlinkSync } from 'node:fs'
import { cpus } from 'node:os'

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

/** The CPU list `tid` may run on now (taskset's "pid 123's current affinity list: 0,1"). */
function affinityOf(tid: number): string | undefined {
  return taskset(['-pc', String(tid)])?.trim().split(': ')[1]
}

/** Pins this process (every thread, and what it starts later) to CPU 0; the client goes to CPU 1. */
export function pinApart(): Placement {
  if (process.platform !== 'linux') return unpinned(`no taskset on ${process.platform}`)
  if (cpus().length < 2) return unpinned('one CPU')
  const before = affinityOf(process.pid)
  if (!before || taskset(['-a', '-pc', '0', String(process.pid)]) === null) return unpinned('taskset failed')
  return {
    description: 'server side (this process, its workers, the raw server) on CPU 0, client on CPU 1',
    clientCommand: (file, args) => ['taskset', ['-c', '1', file, ...args]],
    restore() {
      taskset(['-a', '-pc', before, String(process.pid)])
    },
  }
}

/** The calling thread's id on Linux (a worker posts it so that the main thread can pin it), else null. */
export function currentThreadId(): number | null {
  try {
    // "/proc/thread-self" → "<pid>/task/<tid>"
    return Number(readlinkSync('/proc/thread-self').split('/').pop())
  } catch {
    return null
  }
}

/** Where a row's two threads run (CPU numbers). */
export interface ThreadPlacement {
  name: string
  main: number
  worker: number
}

/** Both threads on CPU 0, then main on CPU 0 and the worker on CPU 1. */
export const THREAD_PLACEMENTS: readonly ThreadPlacement[] = [
  { name: 'one CPU', main: 0, worker: 0 },
  { name: 'two CPUs', main: 0, worker: 1 },
]

/**
 * Pins the two threads as `placement` says; `restore` gives each back the CPUs it had. Null
 * when they cannot be pinned (not Linux, one CPU, a thread id unknown, taskset failing).
 */
export function pinThreads(
  placement: ThreadPlacement,
  mainTid: number | null,
  workerTid: number | null,
): { restore(): void } | null {
  if (process.platform !== 'linux' || cpus().length < 2 || mainTid === null || workerTid === null) return null
  const pins: [number, number][] = [
    [mainTid, placement.main],
    [workerTid, placement.worker],
  ]
  const before = pins.map(([tid]) => affinityOf(tid))
  const restore = () => pins.forEach(([tid], i) => before[i] && taskset(['-pc', before[i]!, String(tid)]))
  if (before.some((list) => !list) || !pins.every(([tid, cpu]) => taskset(['-pc', String(cpu), String(tid)]) !== null)) {
    restore()
    return null
  }
  return { restore }
}
