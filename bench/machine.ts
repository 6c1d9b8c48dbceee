// Where the figures came from: the machine and the versions of everything measured.

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'

import { native } from '../lib/native.ts'

function command(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

export interface Machine {
  cpu: string
  cpus: number
  memoryGiB: number
  os: string
  node: string
  v8: string
  rustc: string
  wakepoll: string
  /** The native module's build: the bench refuses 'debug'. */
  build: string
}

export function machine(): Machine {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cpus: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    rustc: command('rustc', ['--version']),
    wakepoll: pkg.version,
    build: native.buildProfile(),
  }
}
