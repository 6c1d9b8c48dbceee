// The kv example's wire protocol over real sockets: protocol errors (reply, then close, others
// untouched), Redis 7's unknown-command wording, inline commands, frames split at every byte
// across reads, a 16 MiB value through a raw socket, ioredis and redis-cli.
//
// Splitting at every byte needs the server to read the two parts separately: between them the
// test waits for a PING on a second connection of the same (single) worker. The worker takes
// events in the order the kernel readied them, and loopback delivers a write before it returns,
// so once that PONG is back the first part has been read on its own.

import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { connect } from 'node:net'

import test from 'ava'
import { Redis } from 'ioredis'

import { cliTest, encode, RawClient, redisCli, startKv, text } from './helpers/kv.ts'

const PROTOCOL_ERRORS: [string, string][] = [
  ['*x\r\n', 'invalid multibulk length'],
  ['*1\r\nx3\r\n', "expected '$', got 'x'"],
  ['*1\r\n$-1\r\n', 'invalid bulk length'],
  ['*1\r\n$600000000\r\n', 'invalid bulk length'],
  ['PING "abc\r\n', 'unbalanced quotes in request'],
  ['x'.repeat(70_000), 'too big inline request'],
]

test('a protocol error gets -ERR Protocol error: … and the connection is closed; other connections go on', async (t) => {
  const { port } = await startKv(t)
  const bystander = await RawClient.connect(port)
  t.teardown(() => bystander.close())
  t.is(text(await bystander.command('SET', 'before', '1')), 'OK')
  for (const [input, message] of PROTOCOL_ERRORS) {
    const c = await RawClient.connect(port)
    // A command before the bad bytes is answered first, as Redis does.
    c.send(encode(['PING']))
    c.send(input)
    const rest = await c.closedByServer()
    t.is(rest.toString('latin1'), `+PONG\r\n-ERR Protocol error: ${message}\r\n`, JSON.stringify(input.slice(0, 20)))
    t.is(text(await bystander.command('GET', 'before')), '1')
  }
})

test('a client that resets right after a command: its reply goes nowhere, never to the next client', async (t) => {
  const { port } = await startKv(t)
  // The command and the RST reach the server together: it runs the SET, then the next read of
  // that connection fails (ECONNRESET). The SET's reply, already in the worker's batch, must go
  // with the connection, not stay in the batch in front of the next connection's replies.
  for (let i = 0; i < 30; i++) {
    const raw = connect(port, '127.0.0.1')
    await once(raw, 'connect')
    await new Promise<void>((resolve) => raw.write(encode(['SET', `reset-${i}`, 'v']), () => resolve()))
    raw.resetAndDestroy()
    await once(raw, 'close')
    const next = await RawClient.connect(port)
    t.is(text(await next.command('PING')), 'PONG', `round ${i}: the next client's first reply is its own`)
    next.close()
  }
})

test('unknown commands: Redis 7 wording, arguments cut at 128 bytes, CR LF made spaces; the connection stays', async (t) => {
  const { port } = await startKv(t)
  const c = await RawClient.connect(port)
  t.teardown(() => c.close())
  t.is(text(await c.command('FOO')), "-ERR unknown command 'FOO', with args beginning with: ")
  t.is(text(await c.command('foo', 'a', 'b\r\nc')), "-ERR unknown command 'foo', with args beginning with: 'a' 'b  c' ")
  const long = await c.command('foo', 'a'.repeat(100), 'b'.repeat(100), 'c')
  t.is(text(long), `-ERR unknown command 'foo', with args beginning with: '${'a'.repeat(100)}' '${'b'.repeat(25)}' `)
  t.is(text(await c.command('GET')), "-ERR wrong number of arguments for 'get' command")
  t.is(text(await c.command('PING')), 'PONG')
})

test('inline commands, as telnet and redis-benchmark PING_INLINE send them', async (t) => {
  const { port } = await startKv(t)
  const c = await RawClient.connect(port)
  t.teardown(() => c.close())
  c.send('PING\r\nset "a key" \'it\\\'s\'\r\nGET "a key"\nECHO "\\x41\\tB"\r\n\r\n')
  t.deepEqual((await c.replies(4)).map(text), ['PONG', 'OK', "it's", 'A\tB'])
})

test('a pipeline split at every byte across reads gets the same replies', async (t) => {
  const { port } = await startKv(t)
  const barrier = await RawClient.connect(port)
  t.teardown(() => barrier.close())
  const pipeline = Buffer.concat([
    encode(['SET', 'split', 'a\r\nb']),
    Buffer.from('GET split\r\n'),
    encode(['INCR', 'splitn']),
    encode(['MGET', 'split', 'nope']),
    Buffer.from('PING\r\n'),
  ])
  const expected = ['OK', 'a\r\nb', 1, ['a\r\nb', null], 'PONG']
  for (let i = 1; i < pipeline.length; i++) {
    const c = await RawClient.connect(port)
    await c.command('DEL', 'splitn')
    c.send(pipeline.subarray(0, i))
    await barrier.command('PING') // the first part has been read by itself
    c.send(pipeline.subarray(i))
    t.deepEqual((await c.replies(5)).map(text), expected, `split at byte ${i}`)
    c.close()
  }
})

test('a command sent one byte at a time', async (t) => {
  const { port } = await startKv(t)
  const barrier = await RawClient.connect(port)
  const c = await RawClient.connect(port)
  t.teardown(() => (barrier.close(), c.close()))
  const bytes = encode(['SET', 'slow', 'value'])
  for (const b of bytes) {
    c.send(Buffer.from([b]))
    await barrier.command('PING')
  }
  t.is(text(await c.reply()), 'OK')
  t.is(text(await c.command('GET', 'slow')), 'value')
})

const MIB16 = 16 * 1024 * 1024

test('a 16 MiB value through a raw socket, ioredis and back', async (t) => {
  const { port } = await startKv(t)
  const value = randomBytes(MIB16)
  const c = await RawClient.connect(port)
  t.teardown(() => c.close())
  t.is(text(await c.command('SET', 'big', value)), 'OK')
  t.is(await c.command('STRLEN', 'big'), MIB16)
  const back = (await c.command('GET', 'big')) as Buffer
  t.true(Buffer.isBuffer(back) && back.equals(value))
  t.is(await c.command('APPEND', 'big', 'tail'), MIB16 + 4)

  const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 })
  t.teardown(() => redis.disconnect())
  const other = randomBytes(MIB16)
  t.is(await redis.set('big2', other), 'OK')
  t.true((await redis.getBuffer('big2'))!.equals(other))
  const both = await redis.mgetBuffer('big', 'big2')
  t.true(both[0]!.equals(Buffer.concat([value, Buffer.from('tail')])))
  t.true(both[1]!.equals(other))
})

cliTest('a 16 MiB value with redis-cli -x (the last argument read from stdin)', async (t) => {
  const { port } = await startKv(t)
  const value = Buffer.alloc(MIB16, 'z')
  t.is(await redisCli(port, ['-x', 'SET', 'fromstdin'], value), 'OK\n')
  t.is(await redisCli(port, ['STRLEN', 'fromstdin']), `${MIB16}\n`)
  const out = await redisCli(port, ['GET', 'fromstdin'])
  t.is(out.length, MIB16 + 1)
  t.true(/^z+\n$/.test(out))
})
