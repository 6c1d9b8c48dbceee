// Child processes for the keep-alive tests: a TypeScript script run under tsx, its stdout read
// line by line, its stdin written a line at a time, killed when the test ends.

import { spawn } from 'node:child_process'
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
  const lines: string[] = []
  let stderr = ''
  let buffered = ''
  let next = 0
  let wakeReader: (() => void) | undefined
  let ended = false
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => (stderr += chunk))
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk
    const parts = buffered.split('\n')
    buffered = parts.pop()!
    lines.push(...parts)
    wakeReader?.()
  })
  const exited = once(child, 'exit').then(([code, signal]) => {
    ended = true
    wakeReader?.()
    return { code: code as number | null, signal: signal as NodeJS.Signals | null }
  })
  return {
    lines,
    stderr: () => stderr,
    exited,
    kill,
    writeLine: (line) => void child.stdin.write(`${line}\n`),
    async nextLine() {
      while (next >= lines.length) {
        if (ended) throw new Error(`the child exited; it printed ${JSON.stringify(lines)}; stderr: ${stderr}`)
        await new Promise<void>((resolve) => (wakeReader = resolve))
        wakeReader = undefined
      }
      return lines[next++]!
    },
  }
}
