// Counting what the process holds: open file descriptors, resident memory, and a way to run
// the garbage collector from a test (ava does not pass --expose-gc).

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { setImmediate as nextTurn } from 'node:timers/promises'
import v8 from 'node:v8'
import vm from 'node:vm'

import { onWindows } from './os.js'

/** Whether the long versions of the load and lifetime tests run (`npm run test:stress`). */
export const STRESS = process.env['WAKEPOLL_STRESS'] === '1'

/** `count` in the stress run, `reduced` in the normal suite. */
export function stressOr(count: number, reduced: number): number {
  return STRESS ? count : reduced
}

let gcFunction: (() => void) | undefined

/** `global.gc`, made available at run time. */
export function exposeGc(): () => void {
  if (gcFunction === undefined) {
    v8.setFlagsFromString('--expose-gc')
    gcFunction = vm.runInNewContext('gc') as () => void
  }
  return gcFunction
}

/**
 * Collects garbage until `done()` holds (default: a few full rounds), letting the current job
 * end between collections (WeakRef targets stay alive until then) and napi finalizers run.
 * Returns whether `done()` held.
 */
export async function collectGarbage(done: () => boolean = () => false, rounds = 10): Promise<boolean> {
  const gc = exposeGc()
  for (let i = 0; i < rounds; i++) {
    await nextTurn()
    gc()
    await nextTurn()
    if (done()) return true
  }
  return done()
}

/** Where this system lists the process's open fds: Linux's /proc, macOS's /dev/fd. */
const fdDir = fs.existsSync('/proc/self/fd') ? '/proc/self/fd' : '/dev/fd'

/**
 * How many file descriptors this process has open; on Windows, how many handles (what a
 * socket, a completion port or an event object is there), as the process list shows them.
 */
export function fdCount(): number {
  if (onWindows) {
    const out = execFileSync(
      'powershell',
      ['-NoProfile', '-NonInteractive', '-Command', `(Get-Process -Id ${process.pid}).HandleCount`],
      { encoding: 'utf8' },
    )
    const count = Number(out.trim())
    if (!Number.isInteger(count) || count <= 0) throw new Error(`no handle count: ${JSON.stringify(out)}`)
    return count
  }
  // readdir's own fd is in every listing, so counts compare exactly.
  return fs.readdirSync(fdDir).length
}

/** Resident set size, in MiB. */
export function rssMiB(): number {
  return process.memoryUsage().rss / (1024 * 1024)
}
