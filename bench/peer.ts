// The Rust core's side of a row: runs crates/wakepoll/examples/bench_peer/ (built once, in
// release mode) and returns its samples, so that a JS batch and a core batch alternate in one run.

import { execFile, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
/** The peer's executable (build it with [buildPeer] first). */
export const binaryPath = `${root}target/release/examples/bench_peer${process.platform === 'win32' ? '.exe' : ''}`
let built = false

/** Builds the peer (cargo decides whether anything changed). */
export function buildPeer(): void {
  if (built) return
  execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'wakepoll', '--example', 'bench_peer'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (!existsSync(binaryPath)) throw new Error(`cargo built no ${binaryPath}`)
  built = true
}

interface PeerOutput {
  samples: Float64Array
  /** How long the run took (echo-client only). */
  elapsedNs: number | undefined
}

function parse(out: string): PeerOutput {
  const { samples_ns, elapsed_ns } = JSON.parse(out) as { samples_ns: number[]; elapsed_ns?: number }
  return { samples: Float64Array.from(samples_ns), elapsedNs: elapsed_ns }
}

const options = { encoding: 'utf8', maxBuffer: 256 << 20 } as const

/** One batch of the peer: `args` as in bench_peer's usage; samples in nanoseconds. */
export function runPeer(...args: (string | number)[]): Float64Array {
  buildPeer()
  return parse(execFileSync(binaryPath, args.map(String), options)).samples
}

/** The same without blocking this thread (its workers go on either way). */
export async function runPeerAsync(...args: (string | number)[]): Promise<PeerOutput> {
  return runPeerAsyncVia((file, argv) => [file, argv], ...args)
}

/** `runPeerAsync` through `command` (which may wrap it, e.g. in `taskset`: placement.ts). */
export async function runPeerAsyncVia(
  command: (file: string, args: string[]) => [string, string[]],
  ...args: (string | number)[]
): Promise<PeerOutput> {
  buildPeer()
  const [file, argv] = command(binaryPath, args.map(String))
  const { stdout } = await promisify(execFile)(file, argv, options)
  return parse(stdout)
}

/** A server process of the peer's (`echo-server-raw`): its port, and how to stop it. */
export interface PeerServer {
  port: number
  /** Closes the server's stdin (its signal to stop) and resolves when it has exited. */
  stop(): Promise<void>
}

/** Starts `bench_peer echo-server-raw` and resolves once it listens on 127.0.0.1. */
export async function startRawEchoServer(): Promise<PeerServer> {
  buildPeer()
  const child = spawn(binaryPath, ['echo-server-raw'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = once(child, 'exit')
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line'),
    exited.then(([code]) => {
      throw new Error(`bench_peer echo-server-raw exited (${code}) before listening`)
    }),
  ])) as [string]
  const { port } = JSON.parse(line) as { port: number }
  return {
    port,
    async stop() {
      child.stdin!.end()
      const [code] = (await exited) as [number | null]
      if (code !== 0) throw new Error(`bench_peer echo-server-raw exited with ${code}`)
    },
  }
}
