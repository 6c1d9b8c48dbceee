// Every command of the kv example (examples/kv), as real clients drive it: a redis-cli script
// (its stdin, one command a line: redis-cli's own parsing and printing) and the ioredis library.
//
// The script's expected output is redis-server 7.0.15's output for the same script, but for
// the differences that are the point of this server: one database (SELECT 1 is out of range),
// no RESP3 (HELLO 3 → NOPROTO, which clients take as "speak RESP2"), CLIENT SETINFO (Redis
// 7.2's; 7.0 does not know it), CONFIG GET printed as the flat array it is, and COMMAND COUNT.

import test from 'ava'
import { Redis } from 'ioredis'

import { cliTest, redisCli, startKv } from './helpers/kv.ts'

/** [command line, what redis-cli prints for its reply (an error is followed by a blank line)]. */
const SCRIPT: [string, string][] = [
  ["FLUSHALL", "OK"],
  ["PING", "PONG"],
  ["PING hello", "hello"],
  ["ECHO \"two words\"", "two words"],
  ["SET k v", "OK"],
  ["GET k", "v"],
  ["GET missing", ""],
  ["SET k v2 GET", "v"],
  ["SET k v3 NX", ""],
  ["SET k v3 XX", "OK"],
  ["SET new v NX", "OK"],
  ["SET k v NX XX", "ERR syntax error"],
  ["SET k v EX 0", "ERR invalid expire time in 'set' command"],
  ["SET k v EX notanumber", "ERR value is not an integer or out of range"],
  ["SET k v EX 100000", "OK"],
  ["TTL k", "100000"],
  ["SET k v KEEPTTL", "OK"],
  ["PERSIST k", "1"],
  ["PERSIST k", "0"],
  ["TTL k", "-1"],
  ["GETSET k old", "v"],
  ["GET k", "old"],
  ["SET n 10", "OK"],
  ["INCR n", "11"],
  ["INCRBY n 5", "16"],
  ["DECR n", "15"],
  ["DECRBY n 3", "12"],
  ["INCR k", "ERR value is not an integer or out of range"],
  ["INCRBY n notanumber", "ERR value is not an integer or out of range"],
  ["SET big 9223372036854775807", "OK"],
  ["INCR big", "ERR increment or decrement would overflow"],
  ["SET small -9223372036854775808", "OK"],
  ["DECR small", "ERR increment or decrement would overflow"],
  ["DECRBY n -9223372036854775808", "ERR decrement would overflow"],
  ["INCRBY n 9223372036854775800", "ERR increment or decrement would overflow"],
  ["APPEND s hello", "5"],
  ["APPEND s \" world\"", "11"],
  ["STRLEN s", "11"],
  ["STRLEN missing", "0"],
  ["GET s", "hello world"],
  ["MSET a 1 b 2 c 3", "OK"],
  ["MGET a b missing c", "1\n2\n\n3"],
  ["MSET a", "ERR wrong number of arguments for 'mset' command"],
  ["DEL a b missing", "2"],
  ["EXISTS a c c missing", "2"],
  ["EXPIRE c 100", "1"],
  ["TTL c", "100"],
  ["PEXPIRE c 5000 GT", "0"],
  ["PEXPIRE c 500000 GT", "1"],
  ["EXPIRE c 10 NX XX", "ERR NX and XX, GT or LT options at the same time are not compatible"],
  ["EXPIRE c 10 GT LT", "ERR GT and LT options at the same time are not compatible"],
  ["EXPIRE c 10 BOGUS", "ERR Unsupported option BOGUS"],
  ["EXPIRE missing 10", "0"],
  ["EXPIRE c 10 XX", "1"],
  ["TTL missing", "-2"],
  ["PTTL s", "-1"],
  ["EXPIRE s -1", "1"],
  ["EXISTS s", "0"],
  ["DBSIZE", "6"],
  ["SELECT 0", "OK"],
  ["SELECT 1", "ERR DB index is out of range"],
  ["SELECT x", "ERR value is not an integer or out of range"],
  ["CLIENT SETNAME myname", "OK"],
  ["CLIENT GETNAME", "myname"],
  ["CLIENT SETNAME \"bad name\"", "ERR Client names cannot contain spaces, newlines or special characters."],
  ["CLIENT SETINFO lib-name mylib", "OK"],
  ["CLIENT SETINFO lib-ver 1.2.3", "OK"],
  ["CLIENT SETINFO bogus 1", "ERR Unrecognized option 'bogus'"],
  ["CLIENT NOSUCH", "ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP."],
  ["HELLO 3", "NOPROTO unsupported protocol version"],
  ["HELLO x", "ERR Protocol version is not an integer or out of range"],
  ["HELLO 2 SETNAME other BOGUS", "ERR Syntax error in HELLO option 'BOGUS'"],
  ["GET", "ERR wrong number of arguments for 'get' command"],
  ["SET k", "ERR wrong number of arguments for 'set' command"],
  ["FOOBAR a b", "ERR unknown command 'FOOBAR', with args beginning with: 'a' 'b' "],
  ["CONFIG GET appendonly", "appendonly\nno"],
  ["CONFIG GET save", "save\n"],
  ["COMMAND COUNT", "29"],
  ["FLUSHALL", "OK"],
  ["DBSIZE", "0"],
]

cliTest('a redis-cli script of every command gets the replies Redis gives', async (t) => {
  const kv = await startKv(t)
  const input = SCRIPT.map(([line]) => line).join('\n') + '\n'
  const expected = SCRIPT.map(([, out]) => `${out}\n${/^(ERR|NOPROTO)/.test(out) ? '\n' : ''}`).join('')
  const output = await redisCli(kv.port, [], input)
  const got = output.split('\n')
  const want = expected.split('\n')
  // Line by line first, for a readable failure.
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    if (got[i] !== want[i]) {
      t.fail(`line ${i + 1}: got ${JSON.stringify(got[i])}, expected ${JSON.stringify(want[i])}`)
      break
    }
  }
  t.is(output, expected)
  t.is(await kv.stop(), 0, 'exits with status 0 on SIGTERM')
})

cliTest('redis-cli: one command per invocation, as shell scripts use it', async (t) => {
  const { port } = await startKv(t)
  t.is(await redisCli(port, ['SET', 'greeting', 'hello world']), 'OK\n')
  t.is(await redisCli(port, ['GET', 'greeting']), 'hello world\n')
  t.is(await redisCli(port, ['INCRBY', 'counter', '41']), '41\n')
  t.is(await redisCli(port, ['INCR', 'counter']), '42\n')
  t.is(await redisCli(port, ['MGET', 'greeting', 'counter', 'nothing']), 'hello world\n42\n\n')
  t.is(await redisCli(port, ['-r', '3', 'INCR', 'counter']), '43\n44\n45\n')
  t.is(await redisCli(port, ['DBSIZE']), '2\n')
  t.regex(await redisCli(port, ['INFO', 'server']), /^# Server\r\nredis_version:7\.2\.0\r\n/)
  t.is(await redisCli(port, ['PING']), 'PONG\n')
  t.is(await redisCli(port, ['QUIT']), 'OK\n')
})

test('ioredis: every command through the library (its handshake: HELLO 3 refused, RESP2, CLIENT SETINFO, INFO)', async (t) => {
  const { port } = await startKv(t)
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, connectionName: 'tester' })
  t.teardown(() => redis.disconnect())
  await redis.connect()
  t.is(redis.status, 'ready')
  t.is(await redis.client('GETNAME'), 'tester', 'the connectionName it set on connect')
  t.is(await redis.ping(), 'PONG')
  t.is(await redis.echo('hi'), 'hi')
  t.is(await redis.set('k', 'v'), 'OK')
  t.is(await redis.get('k'), 'v')
  t.is(await redis.set('k', 'w', 'GET'), 'v')
  t.is(await redis.set('k', 'x', 'NX'), null)
  t.is(await redis.set('k', 'x', 'XX'), 'OK')
  t.is(await redis.set('t', 'v', 'EX', 100), 'OK')
  t.true([99, 100].includes(await redis.ttl('t')), 'TTL rounds to the nearest second')
  t.is(await redis.call('SET', 't', 'v', 'PX', '5000', 'KEEPTTL').catch((e: Error) => e.message), 'ERR syntax error')
  t.true((await redis.pttl('t')) > 90_000)
  t.is(await redis.persist('t'), 1)
  t.is(await redis.ttl('t'), -1)
  t.is(await redis.getset('k', 'y'), 'x')
  t.is(await redis.incr('n'), 1)
  t.is(await redis.incrby('n', 10), 11)
  t.is(await redis.decr('n'), 10)
  t.is(await redis.decrby('n', 4), 6)
  await t.throwsAsync(redis.incr('k'), { message: 'ERR value is not an integer or out of range' })
  t.is(await redis.append('s', 'ab'), 2)
  t.is(await redis.append('s', 'cd'), 4)
  t.is(await redis.strlen('s'), 4)
  t.is(await redis.mset('a', '1', 'b', '2'), 'OK')
  t.deepEqual(await redis.mget('a', 'b', 'zz'), ['1', '2', null])
  t.is(await redis.exists('a', 'b', 'zz'), 2)
  t.is(await redis.del('a', 'zz'), 1)
  t.is(await redis.expire('b', 50), 1)
  t.true([49, 50].includes(await redis.ttl('b')))
  t.is(await redis.pexpire('b', 50_000_000, 'GT'), 1)
  t.true((await redis.pttl('b')) > 49_000_000)
  t.is(await redis.ttl('zz'), -2)
  t.is(await redis.dbsize(), 5)
  t.is(await redis.select(0), 'OK')
  await t.throwsAsync(redis.select(1), { message: 'ERR DB index is out of range' })
  t.is(await redis.client('SETNAME', 'renamed'), 'OK')
  t.is(await redis.client('GETNAME'), 'renamed')
  t.is(typeof (await redis.client('ID')), 'number')
  t.regex(await redis.info('server'), /^# Server\r\nredis_version:/)
  t.deepEqual(await redis.config('GET', 'appendonly'), ['appendonly', 'no'])
  const docs = (await redis.command('DOCS', 'get')) as unknown[]
  t.is(docs[0], 'get')
  t.is(await redis.call('COMMAND', 'COUNT'), 29)
  t.is(await redis.flushall(), 'OK')
  t.is(await redis.dbsize(), 0)
  t.is(await redis.quit(), 'OK')
})

test('ioredis: a pipeline of 10,000 commands gets its replies in order', async (t) => {
  const { port } = await startKv(t)
  const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 })
  t.teardown(() => redis.disconnect())
  const p = redis.pipeline()
  for (let i = 0; i < 5000; i++) p.set(`key:${i}`, `value:${i}`).get(`key:${i}`)
  const results = await p.exec()
  t.is(results!.length, 10_000)
  for (let i = 0; i < 5000; i++) {
    t.deepEqual(results![2 * i], [null, 'OK'])
    t.deepEqual(results![2 * i + 1], [null, `value:${i}`])
  }
})
