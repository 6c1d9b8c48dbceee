// The Rust core's side of a row: runs crates/wakepoll/examples/bench_peer.rs (built once, in
// release mode) and returns its samples, so that a JS batch and a core batch alternate in one run.

import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const binary = `${root}target/release/examples/bench_peer${process.platform === 'win32' ? '.exe' : ''}`
let built = false

/** Builds the peer (cargo decides whether anything changed). */
export function buildPeer(): void {
  if (built) return
  execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'wakepoll', '--example', 'bench_peer'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (!existsSync(binary)) throw new Error(`cargo built no ${binary}`)
  built = true
}

/** One batch of the peer: `args` as in bench_peer's usage; samples in nanoseconds. */
export function runPeer(...args: (string | number)[]): Float64Array {
  buildPeer()
  const out = execFileSync(binary, args.map(String), { encoding: 'utf8', maxBuffer: 64 << 20 })
  const { samples_ns } = JSON.parse(out) as { samples_ns: number[] }
  return Float64Array.from(samples_ns)
}
