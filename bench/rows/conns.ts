// Row 6: what an idle connection costs the server. A server process (conns-child.ts) accepts
// connections from a client process of its own (bench_peer hold) and keeps each one open,
// idle and registered (with a Poll for wakepoll, with the event loop for node:net). The
// server's resident set size is read after a warm-up of connections and again after `n` more;
// the difference over `n` is the cost of one connection in user space (the kernel's socket
// memory is not in RSS, and is the same for both). The two servers alternate, run by run.

import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface, type Interface } from 'node:readline'
import { fileURLToPath } from 'node:url'

import { binaryPath, buildPeer } from '../peer.ts'
import { atMost, type RowOptions, type RowResult } from '../row.ts'
import { median, summarize } from '../stats.ts'

const child = fileURLToPath(new URL('./conns-child.ts', import.meta.url))
type Kind = 'wakepoll' | 'node:net'

/** The next line a process prints, parsed. */
async function nextLine<T>(lines: Interface, proc: ChildProcess, what: string): Promise<T> {
  const exited = once(proc, 'exit').then(([code]) => {
    throw new Error(`${what} exited (${code}) before reporting`)
  })
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string]
  return JSON.parse(line) as T
}

async function holdClient(port: number, connections: number): Promise<ChildProcess> {
  const client = spawn(binaryPath, ['hold', String(port), String(connections)], { stdio: ['pipe', 'pipe', 'inherit'] })
  await nextLine<{ connected: number }>(createInterface({ input: client.stdout! }), client, 'bench_peer hold')
  return client
}

/** KiB of server RSS per idle connection, measured over `n` connections after `warm` of them. */
async function perConnection(kind: Kind, warm: number, n: number): Promise<number> {
  const server = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', child, kind, String(warm), String(warm + n)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const clients: ChildProcess[] = []
  try {
    const lines = createInterface({ input: server.stdout! })
    const { port } = await nextLine<{ port: number }>(lines, server, `${kind} server`)
    const [warmReport, clientA] = await Promise.all([
      nextLine<{ rss: number }>(lines, server, `${kind} server`),
      holdClient(port, warm),
    ])
    clients.push(clientA)
    const [fullReport, clientB] = await Promise.all([
      nextLine<{ rss: number }>(lines, server, `${kind} server`),
      holdClient(port, n),
    ])
    clients.push(clientB)
    return (fullReport.rss - warmReport.rss) / n / 1024
  } finally {
    for (const c of clients) c.stdin!.end()
    server.kill()
    await Promise.all([once(server, 'exit'), ...clients.map((c) => once(c, 'exit'))])
  }
}

export async function idleConnections({ quick, log }: RowOptions): Promise<RowResult> {
  // The warm-up is large because a fresh process's RSS first falls (measured: 87 MB at 1,000
  // connections, 72 MB at 3,000, for wakepoll's server) as V8 settles after start-up.
  const warm = 3000
  const n = quick ? 2000 : 10_000
  const runs = quick ? 1 : Number(process.env.CONNS_RUNS ?? 5)
  buildPeer()
  const kib: Record<Kind, number[]> = { wakepoll: [], 'node:net': [] }
  for (let r = 0; r < runs; r++) {
    const order: Kind[] = r % 2 === 0 ? ['wakepoll', 'node:net'] : ['node:net', 'wakepoll']
    for (const kind of order) kib[kind].push(await perConnection(kind, warm, n))
    log(`  row 6: run ${r + 1}/${runs}: wakepoll ${kib.wakepoll[r]!.toFixed(2)} KiB, node:net ${kib['node:net'][r]!.toFixed(2)} KiB per connection`)
  }
  const perRun = kib.wakepoll.map((w, i) => w / kib['node:net'][i]!)
  return {
    id: 'idle-connections',
    title: `Server RSS per idle accepted, registered TCP connection, at ${n.toLocaleString('en-US')} connections (${runs} runs each)`,
    series: [
      { label: 'wakepoll (TcpStream registered with a Poll)', unit: 'KiB', summary: summarize([kib.wakepoll]) },
      { label: 'node:net (net.Socket)', unit: 'KiB', summary: summarize([kib['node:net']]) },
    ],
    ratios: [atMost('wakepoll / node:net KiB per connection', median(perRun), 0.25)],
    notes: [`row 6: RSS growth over ${n.toLocaleString('en-US')} connections after a warm-up of ${warm}; the client (bench_peer hold) is a process of its own`],
  }
}
