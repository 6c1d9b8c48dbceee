// Driving the kv example (examples/kv) from tests: start it as `npm run kv` does (a process of
// its own, `ready <port>` on stdout, SIGTERM to stop), run redis-cli against it, and a raw
// socket client with a RESP2 reply reader for what no client library would send.
//
// redis-cli and redis-server come from Debian's redis-tools / redis-server (.ci/run installs
// them). Without redis-cli the tests that need it are skipped, named, off CI; with CI=true they
// run and fail, so that a CI machine without it cannot pass quietly.

import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import test, { type ExecutionContext, type Implementation } from 'ava'

import { which } from '../../examples/kv/run.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
export const onCI = process.env['CI'] === 'true'
export const redisCliPath = which('redis-cli')

/**
 * Why the tests that run redis-cli or redis-benchmark cannot run here, or null when they can.
 * On CI a missing redis-cli is no reason: the tests run and fail, so that a CI machine without
 * it cannot pass quietly. Windows has no redis-tools at all (Redis ships for Linux, macOS and
 * the BSDs; under wine, the Linux binaries cannot be spawned by node.exe).
 */
function cliSkipReason(): string | null {
  if (process.platform === 'win32') return 'redis-tools has no Windows build'
  if (redisCliPath === null && !onCI) return 'redis-cli is not installed (apt-get install redis-tools)'
  return null
}

/** `test` where redis-cli can run (see cliSkipReason), else `test.skip` with the reason in the title. */
export function cliTest(title: string, run: Implementation<[]>): void {
  const reason = cliSkipReason()
  if (reason === null) test(title, run)
  else test.skip(`${title} [skipped: ${reason}]`, run)
}

/** cliTest for tests that must not run beside others (they count the server's resources). */
export function cliTestSerial(title: string, run: Implementation<[]>): void {
  const reason = cliSkipReason()
  if (reason === null) test.serial(title, run)
  else test.skip(`${title} [skipped: ${reason}]`, run)
}

/**
 * `test` for a server of several workers: they share the port through SO_REUSEPORT, which
 * Windows does not have (examples/kv/main.ts refuses --workers > 1 there; docs/kv.md).
 */
export function severalWorkersTest(title: string, run: Implementation<[]>): void {
  if (process.platform === 'win32') test.skip(`${title} [skipped: --workers > 1 needs SO_REUSEPORT, which Windows lacks]`, run)
  else test(title, run)
}

export interface KvProcess {
  port: number
  pid: number
  child: ChildProcess
  /** SIGTERM; resolves with the exit code (0 when it stopped cleanly). */
  stop(): Promise<number | null>
}

/** Starts `examples/kv/main.ts --port 0` (or server-net.ts); stopped when the test ends. */
export async function startKv(t: ExecutionContext, options: { workers?: number; net?: boolean } = {}): Promise<KvProcess> {
  const script = options.net ? 'examples/kv/server-net.ts' : 'examples/kv/main.ts'
  const args = ['--import', 'tsx', script, '--port', '0']
  if (!options.net) args.push('--workers', String(options.workers ?? 1))
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  // Should the test process end without its teardown (a timeout), the server ends with it.
  const orphan = () => child.kill('SIGKILL')
  process.once('exit', orphan)
  child.once('exit', () => process.off('exit', orphan))
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const lines = createInterface({ input: child.stdout! })
  const port = await Promise.race([
    new Promise<number>((resolve) => lines.on('line', (l) => /^ready \d+$/.test(l) && resolve(Number(l.slice(6))))),
    exited.then(([code]) => {
      throw new Error(`kv server exited (${code}) before ready: ${stderr}`)
    }),
  ])
  let stopped: Promise<number | null> | null = null
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const [code] = await exited
      return code
    })()
    return stopped
  }
  t.teardown(async () => {
    await stop()
  })
  return { port, pid: child.pid!, child, stop }
}

const run = promisify(execFile)

/** `redis-cli -p port …args` (stdin from `input`); its stdout. Fails clearly where redis-cli is missing. */
export async function redisCli(port: number, args: string[], input?: string | Buffer): Promise<string> {
  if (redisCliPath === null) throw new Error('redis-cli is not installed (apt-get install redis-tools); CI=true requires it')
  const child = execFile(redisCliPath, ['-p', String(port), ...args], { encoding: 'utf8', maxBuffer: 256 << 20 })
  const done = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: string) => (out += d))
    child.on('error', reject)
    // 'close', not 'exit': 'exit' may come before the last of stdout has been read (it did: an
    // empty reply once, on a loaded machine).
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`redis-cli ${args.join(' ')} exited ${code}: ${out}`))))
  })
  if (input !== undefined) child.stdin!.end(input)
  else child.stdin!.end()
  return done
}

export { run }

// ---------------------------------------------------------------- raw RESP2 client

export type Reply = string | number | bigint | null | Buffer | ReplyError | Reply[]

/** An error reply (`-ERR …`). */
export class ReplyError {
  constructor(readonly message: string) {}
}

/** Reads one RESP2 reply at `pos` of buf: [reply, next position], or null if incomplete. */
export function readReply(buf: Buffer, pos: number): [Reply, number] | null {
  if (pos >= buf.length) return null
  const cr = buf.indexOf('\r\n', pos)
  if (cr < 0) return null
  const type = String.fromCharCode(buf[pos]!)
  const line = buf.toString('latin1', pos + 1, cr)
  const next = cr + 2
  switch (type) {
    case '+':
      return [line, next]
    case '-':
      return [new ReplyError(line), next]
    case ':': {
      const n = BigInt(line)
      return [n >= -(2n ** 53n) && n <= 2n ** 53n ? Number(n) : n, next]
    }
    case '$': {
      const len = Number(line)
      if (len < 0) return [null, next]
      if (buf.length < next + len + 2) return null
      return [buf.subarray(next, next + len), next + len + 2]
    }
    case '*': {
      const n = Number(line)
      if (n < 0) return [null, next]
      const items: Reply[] = []
      let p = next
      for (let i = 0; i < n; i++) {
        const r = readReply(buf, p)
        if (r === null) return null
        items.push(r[0])
        p = r[1]
      }
      return [items, p]
    }
    default:
      throw new Error(`not a RESP2 reply: ${JSON.stringify(buf.toString('latin1', pos, pos + 40))}`)
  }
}

/** A plain TCP connection that sends bytes as given and reads RESP2 replies. */
export class RawClient {
  private buf: Buffer = Buffer.alloc(0)
  private waiters: (() => void)[] = []
  ended = false

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d])
      this.wakeAll()
    })
    socket.on('end', () => {
      this.ended = true
      this.wakeAll()
    })
    socket.on('close', () => {
      this.ended = true
      this.wakeAll()
    })
    socket.on('error', () => {})
  }

  private wakeAll(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1')
    socket.setNoDelay(true)
    await once(socket, 'connect')
    return new RawClient(socket)
  }

  send(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** The next `n` replies (rejects if the connection ends first). */
  async replies(n: number): Promise<Reply[]> {
    const out: Reply[] = []
    while (out.length < n) {
      const r = readReply(this.buf, 0)
      if (r !== null) {
        out.push(r[0])
        this.buf = this.buf.subarray(r[1])
        continue
      }
      if (this.ended) throw new Error(`connection ended after ${out.length} of ${n} replies`)
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
    return out
  }

  async reply(): Promise<Reply> {
    return (await this.replies(1))[0]!
  }

  /** Sends one command as multibulk and returns its reply. */
  async command(...args: (string | Buffer)[]): Promise<Reply> {
    this.send(encode(args))
    return this.reply()
  }

  /** Resolves once the server has closed the connection; the bytes it sent before, unread. */
  async closedByServer(): Promise<Buffer> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve))
    return this.buf
  }

  close(): void {
    this.socket.destroy()
  }
}

/** A command as RESP2 multibulk. */
export function encode(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)]
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'))
  }
  return Buffer.concat(parts)
}

/** Reply bytes as text, for assertions. */
export function text(r: Reply): unknown {
  if (Buffer.isBuffer(r)) return r.toString('latin1')
  if (Array.isArray(r)) return r.map(text)
  if (r instanceof ReplyError) return `-${r.message}`
  return r
}

// ---------------------------------------------------------------- the server's resources

/** Open file descriptors of process `pid` (Linux: /proc). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length
}

/** Resident memory of process `pid` in KiB (Linux: /proc). */
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : NaN
}

/** An INFO field of the server, read through `via` (a connection of the test's) or a fresh connection. */
export async function infoField(port: number, field: string, via?: RawClient): Promise<number> {
  const c = via ?? (await RawClient.connect(port))
  try {
    const reply = text(await c.command('INFO', 'everything'))
    const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(String(reply))
    if (!m) throw new Error(`INFO has no ${field}: ${JSON.stringify(reply)}`)
    return Number(m[1])
  } finally {
    if (via === undefined) c.close()
  }
}
