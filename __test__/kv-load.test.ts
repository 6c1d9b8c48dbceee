// The kv example under load and abuse: redis-cli --pipe mass insertion of 100,000 keys, 1,000
// concurrent clients, a client killed mid-pipeline, a client that stops reading its replies
// (back-pressure), and connect/disconnect cycles with the server's file descriptors and RSS
// flat (5,000 cycles here; `npm run test:stress` runs 100,000).
//
// Waiting for the server to notice a closed connection polls INFO until a condition holds (with
// a deadline), never a fixed sleep.

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'

import test from 'ava'

import { Events, Interest, Poll, TcpStream } from '../index.ts'
import { cliTest, cliTestSerial, encode, fdCount, infoField, RawClient, redisCli, rssKiB, startKv, text } from './helpers/kv.ts'
import { rssBounded, rssTitle } from './helpers/platform.js'
import { stressOr } from './helpers/resources.ts'

/** Polls `check` every 20 ms until it is true; fails after `ms`. */
async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

cliTest('redis-cli --pipe: mass insertion of 100,000 keys', async (t) => {
  const { port } = await startKv(t)
  const lines: Buffer[] = []
  for (let i = 0; i < 100_000; i++) lines.push(encode(['SET', `mass:${i}`, `value-${i}`]))
  const out = await redisCli(port, ['--pipe'], Buffer.concat(lines))
  t.regex(out, /errors: 0, replies: 100000/)
  t.is(await redisCli(port, ['DBSIZE']), '100000\n')
  t.is(await redisCli(port, ['GET', 'mass:0']), 'value-0\n')
  t.is(await redisCli(port, ['GET', 'mass:99999']), 'value-99999\n')
})

test('1,000 concurrent clients, each with its own keys', async (t) => {
  const { port } = await startKv(t)
  const clients = await Promise.all(Array.from({ length: 1000 }, () => RawClient.connect(port)))
  t.teardown(() => clients.forEach((c) => c.close()))
  t.is(await infoField(port, 'connected_clients'), 1001)
  // Every client pipelines three commands at once; all answer.
  for (const [i, c] of clients.entries()) c.send(Buffer.concat([encode(['SET', `c:${i}`, `v${i}`]), encode(['INCR', 'shared']), encode(['GET', `c:${i}`])]))
  const replies = await Promise.all(clients.map((c) => c.replies(3)))
  replies.forEach((r, i) => {
    t.is(text(r[0]!), 'OK')
    t.is(text(r[2]!), `v${i}`)
  })
  const incrs = replies.map((r) => r[1] as number).sort((a, b) => a - b)
  t.deepEqual(incrs, Array.from({ length: 1000 }, (_, i) => i + 1), 'INCR by 1,000 clients: each value once')
})

cliTest('a client killed mid-pipeline (redis-benchmark -P 64, SIGKILL) and one reset mid-command affect no one else', async (t) => {
  const kv = await startKv(t)
  const { port } = kv
  const other = await RawClient.connect(port)
  t.teardown(() => other.close())
  const bench = spawn('redis-benchmark', ['-p', String(port), '-c', '8', '-P', '64', '-n', '100000000', '-r', '1000', '-t', 'set', '-q'], { stdio: 'ignore' })
  t.teardown(() => bench.kill('SIGKILL'))
  await until(async () => (await infoField(port, 'total_commands_processed')) > 50_000, 'the benchmark is under way')
  bench.kill('SIGKILL')
  await once(bench, 'exit')

  // Raw clients send a whole command and half of the next, then close (FIN: the server runs
  // the whole one) or reset (RST: the kernel may drop what was not read yet).
  const half = Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\ny\r\n$100\r\nabc')
  for (const how of ['end', 'reset'] as const) {
    const raw = connect(port, '127.0.0.1')
    await once(raw, 'connect')
    await new Promise<void>((resolve) => raw.write(Buffer.concat([encode(['SET', `x-${how}`, '1']), half]), () => resolve()))
    if (how === 'end') raw.end()
    else raw.resetAndDestroy()
  }

  await until(async () => (await infoField(port, 'connected_clients')) === 2, 'the server has closed the killed connections')
  t.is(text(await other.command('PING')), 'PONG')
  t.is(text(await other.command('GET', 'x-end')), '1')
  t.is(text(await other.command('EXISTS', 'y')), 0, 'the half command never ran')
  t.is(await kv.stop(), 0)
})

test('back-pressure: a client that stops reading is stopped being read; others go on; it gets every reply once it reads', async (t) => {
  const { port } = await startKv(t)
  const value = Buffer.alloc(1024 * 1024, 'v')
  const other = await RawClient.connect(port)
  t.teardown(() => other.close())
  t.is(text(await other.command('SET', 'big', value)), 'OK')
  const before = await infoField(port, 'total_commands_processed')

  // 200 GETs of 1 MiB each (200 MiB of replies) in one write, by a client that reads nothing
  // for now: a wakepoll TcpStream, which reads only when told to.
  using poll = new Poll()
  const events = new Events(4)
  using stalled = TcpStream.connect({ address: '127.0.0.1', port })
  poll.registry.register(stalled, 1, Interest.WRITABLE)
  while (poll.poll(events, 5000) === 0);
  t.is(stalled.takeError(), null)
  const gets = Buffer.concat(Array.from({ length: 200 }, () => encode(['GET', 'big'])))
  t.is(stalled.write(gets), gets.length) // loopback: in the server's socket when write returns

  // The worker took the stalled client's readable event before this PING's: after the PONG,
  // what it ran of those GETs is final.
  t.is(text(await other.command('PING')), 'PONG')
  t.true(((await other.command('GET', 'big')) as Buffer).equals(value), 'another client is served meanwhile')
  const ran = (await infoField(port, 'total_commands_processed')) - before - 3 // PING, GET, INFO
  t.true(ran < 100, `the server ran ${ran} of the 200 GETs before it stopped reading`)
  t.true((await infoField(port, 'client_recent_max_output_buffer')) < 8 * 1024 * 1024, 'its output stayed near the limit')

  // It reads now: all 200 replies arrive, whole and in order.
  const reply = Buffer.concat([Buffer.from(`$${value.length}\r\n`), value, Buffer.from('\r\n')])
  const got = Buffer.alloc(200 * reply.length)
  let len = 0
  poll.registry.reregister(stalled, 1, Interest.READABLE)
  const deadline = Date.now() + 60_000
  while (len < got.length && Date.now() < deadline) {
    const n = stalled.read(got, len, got.length - len)
    if (n === 0) break
    if (n === null) poll.poll(events, 1000)
    else len += n
  }
  t.is(len, got.length)
  for (let i = 0; i < 200; i++) t.true(got.subarray(i * reply.length, (i + 1) * reply.length).equals(reply), `reply ${i}`)
})

const CYCLES = stressOr(100_000, 5_000)

async function cycle(port: number, i: number): Promise<void> {
  const c = await RawClient.connect(port)
  if (i % 2 === 0) {
    // The server closes: QUIT.
    t_assert(text(await c.command('QUIT')) === 'OK', 'QUIT')
    await c.closedByServer()
  } else {
    // The client closes, mid-command half the time.
    t_assert(text(await c.command('PING')) === 'PONG', 'PING')
    if (i % 4 === 1) c.send('*2\r\n$3\r\nGET')
    c.close()
  }
}

function t_assert(ok: boolean, what: string): void {
  if (!ok) throw new Error(`unexpected reply to ${what}`)
}

async function cycles(port: number, count: number): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < count) await cycle(port, next++)
  }
  await Promise.all(Array.from({ length: 32 }, lane))
}

// It reads /proc for the server's descriptors and RSS: Linux only.
const linuxSerial = process.platform === 'linux' ? cliTestSerial : (title: string) => test.skip(`${title} [skipped: reads /proc]`, () => {})
linuxSerial(rssTitle(`${CYCLES.toLocaleString('en-US')} connect/disconnect cycles: the server's fd count and RSS stay flat`), async (t) => {
  t.timeout(stressOr(15 * 60_000, 2 * 60_000))
  const kv = await startKv(t)
  // One connection of the test's stays open and asks: "connected_clients:1" then means every
  // other connection is closed — and its descriptor too (the server closes it at once).
  const probe = await RawClient.connect(kv.port)
  t.teardown(() => probe.close())
  const idle = async () => (await infoField(kv.port, 'connected_clients', probe)) === 1
  await cycles(kv.port, 2000) // warm-up: the JIT, the connection table, malloc's arenas
  await until(idle, 'the warm-up connections are closed')
  const fds = fdCount(kv.pid)
  const rss = rssKiB(kv.pid)
  await cycles(kv.port, CYCLES)
  await until(idle, 'every connection is closed')
  t.is(fdCount(kv.pid), fds, 'no file descriptor left behind')
  const growth = (rssKiB(kv.pid) - rss) / 1024
  t.log(`RSS ${(rss / 1024).toFixed(1)} MiB → growth ${growth.toFixed(1)} MiB over ${CYCLES} cycles`)
  // The server inherits the harness: under a sanitizer its RSS holds the allocator's quarantine.
  if (rssBounded) t.true(growth < stressOr(16, 8), `RSS grew by ${growth.toFixed(1)} MiB`)
})
