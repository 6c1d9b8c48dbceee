// npm run demo:handoff — a zero-downtime restart: an echo server (its loop in a worker that
// never yields) serves a steady load; a second server process starts, asks the first over a
// Unix socket for its sockets, and receives the listener and every live connection with
// sendWithFds (the first stops accepting and reading, flushes what it owes, sends each one,
// and exits); the load goes on against the second. The client counts connections refused
// and echo bytes lost or reordered across the handoff: both must be 0 (exit code 1 if not).
//
//   npm run demo:handoff -- --connections 32 --size 64 --before 1000 --after 1000 --reconnect 50
//
// The last line printed is the counts as JSON (the test of __test__/handoff.test.ts reads it).
// Unix only: descriptors cross processes as SCM_RIGHTS messages.

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'

import { Waker, type WakerHandle } from '../../index.ts'
import type { ClientCounts, ClientData } from './client.ts'
import type { ServerReport } from './server-loop.ts'

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    size: { type: 'string', default: '64' },
    before: { type: 'string', default: '1000' },
    after: { type: 'string', default: '1000' },
    reconnect: { type: 'string', default: '50' },
  },
})

if (process.platform === 'win32') {
  console.log('the handoff passes descriptors over a Unix socket (SCM_RIGHTS): Unix only')
  process.exit(0)
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const serverScript = fileURLToPath(new URL('./server.ts', import.meta.url))
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wakepoll-handoff-'))
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))

type Report = ServerReport & { pid: number }

/** A server process; `next(kind)` resolves with its next report of that kind. */
function startServer(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', serverScript, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const reports: Report[] = []
  let wake = () => {}
  let buffered = ''
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) reports.push(JSON.parse(line) as Report)
    wake()
  })
  // 'close', not 'exit': 'exit' may be handled before the last of stdout is read, and the old
  // server prints "handed-over" just before it exits. Once 'close' came, every report is in.
  let closed = false
  const exited = once(proc, 'close').then((result) => {
    closed = true
    return result
  })
  return {
    proc,
    exited,
    async next<K extends Report['kind']>(kind: K): Promise<Extract<Report, { kind: K }>> {
      for (;;) {
        const found = reports.find((r) => r.kind === kind)
        if (found) return found as Extract<Report, { kind: K }>
        if (closed) throw new Error(`the server exited before "${kind}"`)
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), exited])
      }
    },
  }
}

const oldControl = path.join(dir, 'old.sock')
const old = startServer([oldControl])
const { port } = await old.next('listening')
console.log(`old server (pid ${old.proc.pid}) on 127.0.0.1:${port}, its loop in a worker that never yields`)

const clientData: ClientData = {
  port,
  connections: Number(values.connections),
  size: Number(values.size),
  reconnectEvery: Number(values.reconnect),
}
const client = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
  workerData: { entry: new URL('./client.ts', import.meta.url).href, ...clientData },
})
let latest: ClientCounts = { roundTrips: 0, opened: 0, refused: 0, lost: 0, done: false }
let finished: (counts: ClientCounts) => void = () => {}
const final = new Promise<ClientCounts>((resolve) => (finished = resolve))
const [{ stop }] = (await once(client, 'message')) as [{ stop: WakerHandle }]
client.on('message', (counts: ClientCounts) => {
  latest = counts
  if (counts.done) finished(counts)
})
console.log(`client: ${clientData.connections} connections × ${clientData.size}-byte echoes, each replaced every ${clientData.reconnectEvery} round trips`)

await delay(Number(values.before))
const before = latest
const started = performance.now()
const successor = startServer([path.join(dir, 'new.sock'), oldControl])
const [handed, took] = await Promise.all([old.next('handed-over'), successor.next('took-over')])
await old.exited
const handoffMs = performance.now() - started
const atHandoff = latest
console.log(
  `new server (pid ${successor.proc.pid}) took over ${took.connections} connections and the listener ` +
    `(old handed over ${handed.connections}) in ${handoffMs.toFixed(0)} ms from its start; old exited`,
)

await delay(Number(values.after))
Waker.fromHandle(stop).wake()
const counts = await final
successor.proc.kill()
await successor.exited

const result = {
  refused: counts.refused,
  lost: counts.lost,
  roundTrips: counts.roundTrips,
  roundTripsBefore: before.roundTrips,
  roundTripsAfterHandoff: counts.roundTrips - atHandoff.roundTrips,
  connectionsOpened: counts.opened,
  handedOver: handed.connections,
  tookOver: took.connections,
  handoffMs: Math.round(handoffMs),
}
console.log(
  `${result.roundTrips} round trips (${result.roundTripsAfterHandoff} after the handoff), ` +
    `${result.connectionsOpened} connections opened: ${result.refused} refused, ${result.lost} bytes lost or reordered`,
)
console.log(JSON.stringify(result))
if (result.refused !== 0 || result.lost !== 0) process.exitCode = 1
