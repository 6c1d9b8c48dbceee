// The kv example with --workers 2: two never-yielding worker loops, each owning half of the
// keyspace; a command for the other worker's keys crosses a SharedArrayBuffer ring and wakes
// that worker through its Waker. CLIENT ID tells which worker a connection landed on
// (id % workers), so that the test can write through one worker and read through the other.
// Also expiry (lazy and by the Timer-driven sweep) on both workers.

import { type Implementation } from 'ava'
import { Redis } from 'ioredis'

import { encode, RawClient, severalWorkersTest, startKv, text } from './helpers/kv.ts'
import { onLibkqueue, testUnlessLibkqueueGap } from './helpers/libkqueue.js'

/** Connections until there are `n` on each of the two workers: [on worker 0, on worker 1]. */
async function onBothWorkers(port: number, n: number): Promise<[RawClient[], RawClient[]]> {
  const by: [RawClient[], RawClient[]] = [[], []]
  const extra: RawClient[] = []
  for (let tries = 0; (by[0].length < n || by[1].length < n) && tries < 500; tries++) {
    const c = await RawClient.connect(port)
    const id = (await c.command('CLIENT', 'ID')) as number
    const side = by[id % 2]!
    if (side.length < n) side.push(c)
    else extra.push(c)
  }
  for (const c of extra) c.close()
  if (by[0].length < n || by[1].length < n) throw new Error('the kernel put every connection on one worker')
  return by
}

severalWorkersTest('keys written through one worker are read back through the other, singly and with MGET across shards', async (t) => {
  const { port } = await startKv(t, { workers: 2 })
  const [[a], [b]] = await onBothWorkers(port, 1)
  t.teardown(() => (a!.close(), b!.close()))
  for (let i = 0; i < 200; i++) t.is(text(await a!.command('SET', `key:${i}`, `value:${i}`)), 'OK')
  for (let i = 0; i < 200; i++) t.is(text(await b!.command('GET', `key:${i}`)), `value:${i}`)
  const keys = Array.from({ length: 200 }, (_, i) => `key:${i}`)
  t.deepEqual(text(await b!.command('MGET', ...keys, 'missing')), [...keys.map((_, i) => `value:${i}`), null])
  t.is(await a!.command('DBSIZE'), 200, 'DBSIZE sums both shards')
  t.is(await b!.command('EXISTS', 'key:1', 'key:2', 'key:2', 'missing'), 3)
  t.is(await a!.command('DEL', 'key:1', 'key:2', 'key:3', 'missing'), 3)
  t.is(text(await b!.command('MSET', 'm1', 'a', 'm2', 'b', 'm3', 'c', 'm4', 'd')), 'OK')
  t.deepEqual(text(await a!.command('MGET', 'm1', 'm2', 'm3', 'm4')), ['a', 'b', 'c', 'd'])
  t.is(await a!.command('INCR', 'counter'), 1)
  t.is(await b!.command('INCR', 'counter'), 2)
  t.is(text(await b!.command('FLUSHALL')), 'OK')
  t.is(await a!.command('DBSIZE'), 0, 'FLUSHALL empties both shards')
})

severalWorkersTest('a deep pipeline mixing both shards gets its replies in request order', async (t) => {
  const { port } = await startKv(t, { workers: 2 })
  const [[a]] = await onBothWorkers(port, 1)
  t.teardown(() => a!.close())
  const parts: Buffer[] = []
  const expected: unknown[] = []
  for (let i = 0; i < 3000; i++) {
    parts.push(encode(['SET', `p:${i}`, `${i}`]), encode(['GET', `p:${i}`]), encode(['PING']))
    expected.push('OK', `${i}`, 'PONG')
    if (i % 100 === 99) {
      parts.push(encode(['MGET', `p:${i}`, `p:${i - 1}`, 'none']), encode(['DBSIZE']), encode(['CLIENT', 'GETNAME']))
      expected.push([`${i}`, `${i - 1}`, null], i + 1, null)
    }
  }
  a!.send(Buffer.concat(parts))
  t.deepEqual((await a!.replies(expected.length)).map(text), expected)
})

severalWorkersTest('ioredis clients on both workers see one keyspace', async (t) => {
  const { port } = await startKv(t, { workers: 2 })
  const clients = Array.from({ length: 8 }, () => new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 }))
  t.teardown(() => clients.forEach((c) => c.disconnect()))
  const ids = await Promise.all(clients.map((c) => c.client('ID') as Promise<number>))
  t.log(`client ids ${ids.join(', ')}: workers ${[...new Set(ids.map((id) => id % 2))].join(', ')}`)
  await Promise.all(clients.map((c, i) => c.mset(...Array.from({ length: 50 }, (_, k) => [`c${i}:${k}`, `${i}.${k}`]).flat())))
  for (const [i, c] of clients.entries()) {
    const other = clients[(i + 1) % clients.length]!
    t.deepEqual(await other.mget(...Array.from({ length: 50 }, (_, k) => `c${i}:${k}`)), Array.from({ length: 50 }, (_, k) => `${i}.${k}`))
  }
  t.is(await clients[0]!.dbsize(), 400)
})

// The sweep is a Timer in each worker's Poll: over libkqueue a Timer's fd is a kqueue's, which
// libkqueue never makes readable (gap 1), so no sweep runs there.
const sweepTest: (title: string, run: Implementation<[]>) => void = onLibkqueue ? testUnlessLibkqueueGap(1) : severalWorkersTest
sweepTest('expiry: lazy on access, and the Timer-driven sweep removes keys nobody reads (both workers)', async (t) => {
  const { port } = await startKv(t, { workers: 2 })
  const c = await RawClient.connect(port)
  t.teardown(() => c.close())
  for (let i = 0; i < 500; i++) c.send(encode(['SET', `tmp:${i}`, 'v', 'PX', '30']))
  await c.replies(500)
  t.is(text(await c.command('SET', 'kept', 'v')), 'OK')
  t.is(await c.command('PEXPIRE', 'lazy', '1'), 0, 'no such key')
  t.is(text(await c.command('SET', 'lazy', 'v', 'PX', '1')), 'OK')
  // The sweep runs every 100 ms on each worker; wait (bounded) until DBSIZE — which counts
  // expired keys not yet removed — has come down to the one key without expiry and `lazy`
  // (read by nobody; the sweep takes it too).
  const deadline = Date.now() + 10_000
  let size = (await c.command('DBSIZE')) as number
  while (size > 1 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    size = (await c.command('DBSIZE')) as number
  }
  t.is(size, 1, 'every expired key was swept without being read')
  t.is(text(await c.command('SET', 'lazy2', 'v', 'PX', '1')), 'OK')
  const until = Date.now() + 5
  while (Date.now() < until); // past its time, before any sweep tick could matter
  t.is(text(await c.command('GET', 'lazy2')), null, 'expired on access')
  t.is(await c.command('TTL', 'kept'), -1)
})
