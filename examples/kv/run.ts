// The kv comparison's moving parts, shared by `npm run demo:kv` (demo.ts) and bench row 8
// (bench/rows/kv.ts): start a server — the wakepoll kv, the same store on node:net, or
// redis-server — as a process of its own, and run redis-benchmark against it.

import { execFile, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export type KvKind = 'wakepoll kv' | 'node:net kv' | 'redis-server'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface RunningServer {
  kind: KvKind
  port: number
  pid: number
  /** SIGTERM, and resolves once it has exited. */
  stop(): Promise<void>
}

/** The path of `name` on PATH, or null. */
export function which(name: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null
  } catch {
    return null
  }
}

export const INSTALL_HINT = 'install them with: apt-get install redis-server redis-tools (Debian/Ubuntu), brew install redis (macOS)'

async function freePort(): Promise<number> {
  const s = createServer()
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  const { port } = s.address() as { port: number }
  s.close()
  await once(s, 'close')
  return port
}

/** Starts `kind` on 127.0.0.1 and resolves once it accepts connections. */
export async function startServer(kind: KvKind, options: { workers?: number } = {}): Promise<RunningServer> {
  let file: string
  let args: string[]
  let readyLine: RegExp
  let port = 0
  if (kind === 'redis-server') {
    port = await freePort()
    file = which('redis-server') ?? 'redis-server'
    args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', '']
    readyLine = /Ready to accept connections/
  } else {
    file = process.execPath
    const script = kind === 'wakepoll kv' ? 'examples/kv/main.ts' : 'examples/kv/server-net.ts'
    args = ['--import', 'tsx', script, '--port', '0']
    if (kind === 'wakepoll kv') args.push('--workers', String(options.workers ?? 1))
    readyLine = /^ready (\d+)$/
  }
  const child = spawn(file, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = once(child, 'exit')
  const lines = createInterface({ input: child.stdout! })
  const ready = new Promise<number>((resolve) => {
    lines.on('line', (line) => {
      const m = readyLine.exec(line)
      if (m) resolve(m[1] ? Number(m[1]) : port)
    })
  })
  port = await Promise.race([
    ready,
    exited.then(([code]) => {
      throw new Error(`${kind} exited (${code}) before it was ready`)
    }),
  ])
  return {
    kind,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

export interface BenchResult {
  /** requests per second, by test name as redis-benchmark prints it (SET, GET, MSET (10 keys), …). */
  rps: Map<string, number>
  p50: Map<string, number>
}

export interface BenchLoad {
  clients: number
  requests: number
  pipeline: number
  tests: string
  /** Keys drawn from this many (redis-benchmark -r). */
  keyspace: number
}

/** Runs redis-benchmark (through `command`, e.g. taskset) against port; resolves with its CSV figures. */
export async function runBenchmark(
  port: number,
  load: BenchLoad,
  command: (file: string, args: string[]) => [string, string[]] = (f, a) => [f, a],
): Promise<BenchResult> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(load.clients), '-n', String(load.requests)]
  args.push('-r', String(load.keyspace), '-P', String(load.pipeline), '-t', load.tests, '--csv')
  const [file, argv] = command(which('redis-benchmark') ?? 'redis-benchmark', args)
  const { stdout } = await promisify(execFile)(file, argv, { encoding: 'utf8', maxBuffer: 16 << 20 })
  const result: BenchResult = { rps: new Map(), p50: new Map() }
  for (const line of stdout.split('\n').slice(1)) {
    const cells = line.split('","').map((c) => c.replace(/^"|"$/g, ''))
    if (cells.length < 5) continue
    result.rps.set(cells[0]!, Number(cells[1]))
    result.p50.set(cells[0]!, Number(cells[4]))
  }
  return result
}
