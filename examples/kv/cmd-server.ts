// The connection and server commands: PING, ECHO, SELECT, QUIT, HELLO, CLIENT, INFO, CONFIG,
// DBSIZE, FLUSHALL — answered as Redis answers them, so that what clients send on connect
// (HELLO, CLIENT SETINFO, CLIENT SETNAME, INFO for a ready check, CONFIG GET from
// redis-benchmark) goes through.

import { arch, release, type } from 'node:os'

import type { Args } from './resp.ts'
import { type Ctx, type Session, STAT, STATS_PER_WORKER, statTotal } from './context.ts'
import { parseInt64Bytes } from './integers.ts'
import { NOT_INTEGER, SYNTAX } from './cmd-strings.ts'
import { globMatch } from './glob.ts'

export function ping(c: Ctx, a: Args): void {
  if (a.count === 1) c.out.simple('PONG')
  else c.out.bulkBytes(a.buf, a.start[1]!, a.end[1]!)
}

export function echo(c: Ctx, a: Args): void {
  c.out.bulkBytes(a.buf, a.start[1]!, a.end[1]!)
}

export function select(c: Ctx, a: Args): void {
  const v = parseInt64Bytes(a.buf, a.start[1]!, a.end[1]!)
  if (v === null || v < -0x8000_0000 || v > 0x7fff_ffff) return c.out.err(NOT_INTEGER)
  if (v !== 0) return c.out.err('DB index is out of range')
  c.out.ok()
}

export function quit(c: Ctx): void {
  c.session.closeAfterReply = true
  c.out.ok()
}

export function dbsize(c: Ctx): void {
  c.out.int(c.store.size)
}

export function flushall(c: Ctx, a: Args): void {
  if (a.count > 2 || (a.count === 2 && !a.is(1, 'async') && !a.is(1, 'sync'))) return c.out.err(SYNTAX)
  c.store.flush()
  c.out.ok()
}

/** Redis's rule for client names and library names: printable ASCII, no space. */
function validName(a: Args, i: number): boolean {
  for (let p = a.start[i]!; p < a.end[i]!; p++) {
    const b = a.buf[p]!
    if (b < 33 || b > 126) return false
  }
  return true
}

const BAD_NAME = 'Client names cannot contain spaces, newlines or special characters.'

function setName(session: Session, a: Args, i: number): void {
  session.name = a.len(i) === 0 ? null : a.str(i)
}

export function hello(c: Ctx, a: Args): void {
  let j = 1
  if (a.count >= 2) {
    const ver = parseInt64Bytes(a.buf, a.start[1]!, a.end[1]!)
    if (ver === null) return c.out.err('Protocol version is not an integer or out of range')
    // RESP3 is not spoken here: HELLO 3 gets the answer Redis gives to a version it lacks, and
    // clients (ioredis, node-redis) fall back to RESP2.
    if (ver !== 2) return c.out.error('NOPROTO unsupported protocol version')
    j = 2
  }
  let name = -1
  for (; j < a.count; j++) {
    const more = a.count - 1 - j
    if (a.is(j, 'auth') && more >= 2) {
      // The only user is "default", without a password (Redis's default): any password does.
      if (!a.is(j + 1, 'default')) return c.out.error('WRONGPASS invalid username-password pair or user is disabled.')
      j += 2
    } else if (a.is(j, 'setname') && more >= 1) {
      name = ++j
    } else {
      return c.out.err(`Syntax error in HELLO option '${a.str(j)}'`)
    }
  }
  if (name > 0) {
    if (!validName(a, name)) return c.out.err(BAD_NAME)
    setName(c.session, a, name)
  }
  const out = c.out
  out.arrayHeader(14)
  out.bulk('server')
  out.bulk('redis')
  out.bulk('version')
  out.bulk(c.server.version)
  out.bulk('proto')
  out.int(2)
  out.bulk('id')
  out.int(c.session.id)
  out.bulk('mode')
  out.bulk('standalone')
  out.bulk('role')
  out.bulk('master')
  out.bulk('modules')
  out.emptyArray()
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <option> <value>',
  '    Set client meta attr. Options are:',
  '    * LIB-NAME: the client lib name.',
  '    * LIB-VER: the client lib version.',
  'HELP',
  '    Print this help.',
]

export function client(c: Ctx, a: Args): void {
  const arity = (n: number, sub: string) => {
    if (a.count === n) return true
    c.out.err(`wrong number of arguments for 'client|${sub}' command`)
    return false
  }
  if (a.is(1, 'id')) {
    if (arity(2, 'id')) c.out.int(c.session.id)
  } else if (a.is(1, 'getname')) {
    if (arity(2, 'getname')) c.out.bulkOrNull(c.session.name)
  } else if (a.is(1, 'setname')) {
    if (!arity(3, 'setname')) return
    if (!validName(a, 2)) return c.out.err(BAD_NAME)
    setName(c.session, a, 2)
    c.out.ok()
  } else if (a.is(1, 'setinfo')) {
    if (!arity(4, 'setinfo')) return
    const lib = a.is(2, 'lib-name') ? 'lib-name' : a.is(2, 'lib-ver') ? 'lib-ver' : null
    if (lib === null) return c.out.err(`Unrecognized option '${a.str(2)}'`)
    if (!validName(a, 3)) return c.out.err(`${lib} cannot contain spaces, newlines or special characters.`)
    const value = a.len(3) === 0 ? null : a.str(3)
    if (lib === 'lib-name') c.session.libName = value
    else c.session.libVer = value
    c.out.ok()
  } else if (a.is(1, 'help')) {
    if (!arity(2, 'help')) return
    c.out.arrayHeader(CLIENT_HELP.length)
    for (const line of CLIENT_HELP) c.out.simple(line)
  } else {
    c.out.err(`unknown subcommand '${a.str(1).slice(0, 128)}'. Try CLIENT HELP.`)
  }
}

/** CONFIG GET answers for these, as a default Redis would (redis-benchmark asks for two). */
function configValues(c: Ctx): [string, string][] {
  return [
    ['appendonly', 'no'],
    ['save', ''],
    ['databases', '1'],
    ['port', String(c.server.port)],
    ['bind', '127.0.0.1'],
    ['maxmemory', '0'],
    ['maxclients', '10000'],
    ['timeout', '0'],
    ['proto-max-bulk-len', '536870912'],
    ['io-threads', String(c.server.workers)],
  ]
}

export function config(c: Ctx, a: Args): void {
  if (a.is(1, 'get')) {
    if (a.count < 3) return c.out.err("wrong number of arguments for 'config|get' command")
    const found: [string, string][] = []
    for (const pair of configValues(c)) {
      for (let i = 2; i < a.count; i++) {
        if (globMatch(a.str(i), pair[0], true)) {
          found.push(pair)
          break
        }
      }
    }
    c.out.arrayHeader(found.length * 2)
    for (const [k, v] of found) {
      c.out.bulk(k)
      c.out.bulk(v)
    }
  } else if (a.is(1, 'set')) {
    if (a.count < 4 || a.count % 2 !== 0) return c.out.err("wrong number of arguments for 'config|set' command")
    c.out.err(`Unknown option or number of arguments for CONFIG SET - '${a.str(2)}'`)
  } else if (a.is(1, 'resetstat')) {
    c.out.ok()
  } else {
    c.out.err(`unknown subcommand '${a.str(1).slice(0, 128)}'. Try CONFIG HELP.`)
  }
}

/** INFO's sections: server, clients, stats, keyspace (also "default", "all", "everything"). */
export function info(c: Ctx, a: Args): void {
  const wanted = new Set<string>()
  for (let i = 1; i < a.count; i++) wanted.add(a.str(i).toLowerCase())
  const all = wanted.size === 0 || wanted.has('default') || wanted.has('all') || wanted.has('everything')
  const s = c.server
  const lines: string[] = []
  if (all || wanted.has('server')) {
    const uptime = Math.floor((Date.now() - s.startedAt) / 1000)
    lines.push(
      '# Server',
      `redis_version:${s.version}`,
      'redis_mode:standalone',
      `os:${type()} ${release()} ${arch()}`,
      'arch_bits:64',
      `multiplexing_api:${s.io === 'wakepoll' ? 'wakepoll' : 'libuv'}`,
      `process_id:${process.pid}`,
      `tcp_port:${s.port}`,
      `uptime_in_seconds:${uptime}`,
      `uptime_in_days:${Math.floor(uptime / 86400)}`,
      `io_threads_active:${s.workers > 1 ? 1 : 0}`,
      `kv_io:${s.io}`,
      `kv_workers:${s.workers}`,
      '',
    )
  }
  if (all || wanted.has('clients')) {
    lines.push(
      '# Clients',
      `connected_clients:${statTotal(s, STAT.connectedClients)}`,
      `client_recent_max_output_buffer:${maxOverWorkers(c)}`,
      'blocked_clients:0',
      '',
    )
  }
  if (all || wanted.has('stats')) {
    lines.push(
      '# Stats',
      `total_connections_received:${statTotal(s, STAT.totalConnections)}`,
      `total_commands_processed:${statTotal(s, STAT.commandsProcessed)}`,
      '',
    )
  }
  if (all || wanted.has('keyspace')) {
    // Each worker publishes its shard's counts after every batch: a moment late at most.
    const keys = statTotal(s, STAT.keys)
    lines.push('# Keyspace')
    if (keys > 0) lines.push(`db0:keys=${keys},expires=${statTotal(s, STAT.expires)},avg_ttl=0`)
    lines.push('')
  }
  if (lines.length > 0) lines.pop() // no blank line after the last section
  c.out.bulk(lines.join('\r\n') + (lines.length > 0 ? '\r\n' : ''))
}

function maxOverWorkers(c: Ctx): number {
  let max = 0
  for (let w = 0; w < c.server.workers; w++) max = Math.max(max, c.server.stats[w * STATS_PER_WORKER + STAT.maxOutputBuffer]!)
  return max
}
