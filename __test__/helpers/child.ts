// Child processes for the keep-alive and inter-process tests: a TypeScript script run under
// tsx, its stdout read line by line, its stdin written a line at a time, killed when the test
// ends.

import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

import type { ExecutionContext } from 'ava'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface Child {
  /** Resolves with the next line the child prints (rejects if it exits first). */
  nextLine(): Promise<string>
  /** Every line printed so far. */
  readonly lines: string[]
  stderr(): string
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  writeLine(line: string): void
  kill(): void
}

/** Runs `node --import tsx <script> <args…>` from the repo root; killed when the test ends. */
export function startChildScript(t: ExecutionContext, script: string, args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  t.teardown(kill)
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => (stderr += chunk))
  const out = stdoutLines(child, () => `; stderr: ${stderr}`)
  return {
    lines: out.lines,
    stderr: () => stderr,
    exited: out.exited,
    kill,
    writeLine: (line) => void child.stdin.write(`${line}\n`),
    nextLine: out.nextLine,
  }
}

export interface StdoutLines {
  /** Every line printed so far. */
  readonly lines: string[]
  /** Resolves with the next line not yet returned (rejects if the child exits first). */
  nextLine(): Promise<string>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Reads `child`'s stdout (a pipe) line by line, `\n` or `\r\n` (Windows). `more` adds to the
 * error of a `nextLine` that the child's exit cut short (its stderr, say).
 */
export function stdoutLines(child: ChildProcess, more: () => string = () => ''): StdoutLines {
  const lines: string[] = []
  let buffered = ''
  let next = 0
  let wakeReader: (() => void) | undefined
  let ended = false
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    buffered += chunk
    const parts = buffered.split(/\r?\n/)
    buffered = parts.pop()!
    lines.push(...parts)
    wakeReader?.()
  })
  // 'close', not 'exit': 'exit' may come before the last of stdout has been read (Node says so,
  // and under wine it did: a child's every line was missing when its 'exit' was handled).
  // 'close' comes once the process has ended and its stdio streams are closed.
  const exited = once(child, 'close').then(([code, signal]) => {
    ended = true
    wakeReader?.()
    return { code: code as number | null, signal: signal as NodeJS.Signals | null }
  })
  return {
    lines,
    exited,
    async nextLine() {
      while (next >= lines.length) {
        if (ended) throw new Error(`the child exited; it printed ${JSON.stringify(lines)}${more()}`)
        await new Promise<void>((resolve) => (wakeReader = resolve))
        wakeReader = undefined
      }
      return lines[next++]!
    },
  }
}
