// What a test asks of a raw descriptor beside wakepoll: is it open, is it non-blocking, is it
// close-on-exec. Node has no fcntl; Linux shows both flags in /proc/self/fdinfo (the libkqueue
// build runs on Linux too). Elsewhere close-on-exec is seen the way it matters: whether a
// child process inherits the fd.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

/** Linux's O_NONBLOCK and O_CLOEXEC as /proc/self/fdinfo shows them (octal `flags:`). */
const O_NONBLOCK = 0o4000
const O_CLOEXEC = 0o2000000

export interface FdFlags {
  nonblocking: boolean
  cloexec: boolean
}

/** Whether /proc/self/fdinfo tells an fd's flags here (Linux). */
export const haveFdInfo = process.platform === 'linux'

/** The flags of the open `fd` (Linux); throws where /proc/self/fdinfo is missing. */
export function fdFlags(fd: number): FdFlags {
  const info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
  const flags = /^flags:\s+([0-7]+)$/m.exec(info)?.[1]
  if (flags === undefined) throw new Error(`no flags in /proc/self/fdinfo/${fd}`)
  const bits = parseInt(flags, 8)
  return { nonblocking: (bits & O_NONBLOCK) !== 0, cloexec: (bits & O_CLOEXEC) !== 0 }
}

/** Whether `fd` is open in this process. */
export function isOpen(fd: number): boolean {
  try {
    fs.fstatSync(fd)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EBADF') return false
    throw err
  }
}

/** Whether `fd` is close-on-exec: on Linux its flag, elsewhere whether a child inherits it. */
export function isCloseOnExec(fd: number): boolean {
  if (haveFdInfo) return fdFlags(fd).cloexec
  // libuv's spawn closes nothing itself: an fd without FD_CLOEXEC reaches the child as is.
  const seen = execFileSync('sh', ['-c', `if [ -e /dev/fd/${fd} ]; then echo open; else echo closed; fi`], {
    encoding: 'utf8',
  })
  return seen.trim() === 'closed'
}
