// npm run demo:kv: redis-benchmark — the Redis project's own load generator — against the
// wakepoll kv server, the same store on node:net, and redis-server when it is installed, in
// alternating rounds (A B C, B C A, …) so that all three see the same machine. Prints each
// round's requests per second and, at the end, each server's median with the median of the
// per-round ratios.
//
//   npm run demo:kv -- --rounds 3 --requests 100000 --clients 50 --pipeline 1 --workers 1
//   (--tests ping,set,get,incr,mset is redis-benchmark's -t)

import { parseArgs } from 'node:util'

import { median } from '../../bench/stats.ts'
import { INSTALL_HINT, type KvKind, type RunningServer, runBenchmark, startServer, which } from './run.ts'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '100000' },
    clients: { type: 'string', default: '50' },
    pipeline: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
    tests: { type: 'string', default: 'ping,set,get,incr,mset' },
  },
})
function positive(name: string, value: string | undefined): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${value}`)
    process.exit(2)
  }
  return n
}
const rounds = positive('rounds', values.rounds)
const load = {
  requests: positive('requests', values.requests),
  clients: positive('clients', values.clients),
  pipeline: positive('pipeline', values.pipeline),
  tests: values.tests!,
  keyspace: 100_000,
}
const workers = positive('workers', values.workers)

if (which('redis-benchmark') === null) {
  console.error(`demo:kv needs redis-benchmark (Debian's redis-tools), which is not installed: ${INSTALL_HINT}`)
  process.exit(1)
}
const kinds: KvKind[] = ['wakepoll kv', 'node:net kv']
if (which('redis-server') !== null) kinds.push('redis-server')
else console.log(`redis-server is not installed, so it is left out of the comparison: ${INSTALL_HINT}`)

console.log(
  `kv demo: redis-benchmark -c ${load.clients} -n ${load.requests} -P ${load.pipeline} -r ${load.keyspace} -t ${load.tests}; ` +
    `${rounds} round(s), servers alternating; wakepoll kv with ${workers} worker(s)`,
)
const servers = new Map<KvKind, RunningServer>()
const results = new Map<KvKind, Map<string, number>[]>(kinds.map((k) => [k, []]))
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10)
try {
  for (const kind of kinds) servers.set(kind, await startServer(kind, { workers }))
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(r + k) % kinds.length]!
      const { rps } = await runBenchmark(servers.get(kind)!.port, load)
      results.get(kind)!.push(rps)
      console.log(`  round ${r + 1}/${rounds}  ${kind.padEnd(12)} ${[...rps].map(([t, v]) => `${t} ${fmt(v).trim()}`).join(', ')}`)
    }
  }
} finally {
  await Promise.all([...servers.values()].map((s) => s.stop()))
}

const tests = [...results.get('wakepoll kv')![0]!.keys()]
const ratio = (a: KvKind, b: KvKind, test: string) => median(results.get(a)!.map((m, i) => m.get(test)! / results.get(b)![i]!.get(test)!))
const header = ['test'.padEnd(16), ...kinds.map((k) => k.padStart(13)), '  kv / net', ...(kinds.includes('redis-server') ? ['  kv / redis'] : [])]
console.log(`\nrequests per second (median of ${rounds} round(s)); ratios: median of per-round ratios`)
console.log(header.join(''))
for (const test of tests) {
  const cells = [test.padEnd(16), ...kinds.map((k) => fmt(median(results.get(k)!.map((m) => m.get(test)!))).padStart(13))]
  cells.push(`${ratio('wakepoll kv', 'node:net kv', test).toFixed(2)}×`.padStart(10))
  if (kinds.includes('redis-server')) cells.push(`${ratio('wakepoll kv', 'redis-server', test).toFixed(2)}×`.padStart(12))
  console.log(cells.join(''))
}
