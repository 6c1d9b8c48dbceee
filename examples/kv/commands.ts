// The command table: each command's name, arity (Redis's: n exactly, −n at least n), where its
// keys are (for COMMAND and for routing to the shard that owns them), its COMMAND DOCS text and
// its implementation. `execute` looks a command up by its bytes (no string per command),
// checks the arity and runs it; the errors for an unknown command or a wrong argument count
// are worded as Redis 7's.

import type { Args } from './resp.ts'
import type { Ctx } from './context.ts'
import * as s from './cmd-strings.ts'
import * as srv from './cmd-server.ts'
import { globMatch } from './glob.ts'

/**
 * How a command's keys map to shards: 'none' (no key: runs where it arrives), 'one' (the key
 * is argument 1), 'each' (every argument from 1 is a key: MGET, DEL, EXISTS), 'pairs'
 * (key value key value …: MSET), 'all' (every shard: DBSIZE, FLUSHALL).
 */
export type KeyRoute = 'none' | 'one' | 'each' | 'pairs' | 'all'

export interface Command {
  name: string
  arity: number
  flags: string[]
  /** COMMAND's first key, last key, step (0 0 0: no keys). */
  keys: [number, number, number]
  route: KeyRoute
  group: string
  summary: string
  since: string
  complexity: string
  acl: string[]
  run: (c: Ctx, a: Args) => void
}

type Spec = Omit<Command, 'acl'> & { acl?: string[] }

const W = ['write', 'denyoom']
const R = ['readonly', 'fast']
const one: [number, number, number] = [1, 1, 1]
const each: [number, number, number] = [1, -1, 1]
const none: [number, number, number] = [0, 0, 0]

const SPECS: Spec[] = [
  { name: 'get', arity: 2, flags: R, keys: one, route: 'one', group: 'string', summary: 'Returns the string value of a key.', since: '1.0.0', complexity: 'O(1)', run: s.get },
  { name: 'set', arity: -3, flags: W, keys: one, route: 'one', group: 'string', summary: 'Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.', since: '1.0.0', complexity: 'O(1)', run: s.set },
  { name: 'getset', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: one, route: 'one', group: 'string', summary: 'Returns the previous string value of a key after setting it to a new value.', since: '1.0.0', complexity: 'O(1)', run: s.getset },
  { name: 'del', arity: -2, flags: ['write'], keys: each, route: 'each', group: 'generic', summary: 'Deletes one or more keys.', since: '1.0.0', complexity: 'O(N) where N is the number of keys that will be removed.', run: s.del },
  { name: 'exists', arity: -2, flags: R, keys: each, route: 'each', group: 'generic', summary: 'Determines whether one or more keys exist.', since: '1.0.0', complexity: 'O(N) where N is the number of keys to check.', run: s.exists },
  { name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], keys: one, route: 'one', group: 'string', summary: 'Increments the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', complexity: 'O(1)', run: s.incr },
  { name: 'incrby', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: one, route: 'one', group: 'string', summary: 'Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', complexity: 'O(1)', run: s.incrby },
  { name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], keys: one, route: 'one', group: 'string', summary: 'Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', complexity: 'O(1)', run: s.decr },
  { name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: one, route: 'one', group: 'string', summary: 'Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', complexity: 'O(1)', run: s.decrby },
  { name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], keys: one, route: 'one', group: 'string', summary: 'Appends a string to the value of a key. Creates the key if it doesn\'t exist.', since: '2.0.0', complexity: 'O(1)', run: s.append },
  { name: 'strlen', arity: 2, flags: R, keys: one, route: 'one', group: 'string', summary: 'Returns the length of a string value.', since: '2.2.0', complexity: 'O(1)', run: s.strlen },
  { name: 'mget', arity: -2, flags: R, keys: each, route: 'each', group: 'string', summary: 'Atomically returns the string values of one or more keys.', since: '1.0.0', complexity: 'O(N) where N is the number of keys to retrieve.', run: s.mget },
  { name: 'mset', arity: -3, flags: W, keys: [1, -1, 2], route: 'pairs', group: 'string', summary: 'Atomically creates or modifies the string values of one or more keys.', since: '1.0.1', complexity: 'O(N) where N is the number of keys to set.', run: s.mset },
  { name: 'expire', arity: -3, flags: ['write', 'fast'], keys: one, route: 'one', group: 'generic', summary: 'Sets the expiration time of a key in seconds.', since: '1.0.0', complexity: 'O(1)', run: s.expire },
  { name: 'pexpire', arity: -3, flags: ['write', 'fast'], keys: one, route: 'one', group: 'generic', summary: 'Sets the expiration time of a key in milliseconds.', since: '2.6.0', complexity: 'O(1)', run: s.pexpire },
  { name: 'ttl', arity: 2, flags: R, keys: one, route: 'one', group: 'generic', summary: 'Returns the expiration time in seconds of a key.', since: '1.0.0', complexity: 'O(1)', run: s.ttl },
  { name: 'pttl', arity: 2, flags: R, keys: one, route: 'one', group: 'generic', summary: 'Returns the expiration time in milliseconds of a key.', since: '2.6.0', complexity: 'O(1)', run: s.pttl },
  { name: 'persist', arity: 2, flags: ['write', 'fast'], keys: one, route: 'one', group: 'generic', summary: 'Removes the expiration time of a key.', since: '2.2.0', complexity: 'O(1)', run: s.persist },
  { name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], keys: none, route: 'all', group: 'server', summary: 'Returns the number of keys in the database.', since: '1.0.0', complexity: 'O(1)', run: srv.dbsize },
  { name: 'flushall', arity: -1, flags: ['write'], keys: none, route: 'all', group: 'server', summary: 'Removes all keys from all databases.', since: '1.0.0', complexity: 'O(N) where N is the total number of keys in all databases', run: srv.flushall },
  { name: 'ping', arity: -1, flags: ['fast'], keys: none, route: 'none', group: 'connection', summary: 'Returns the server\'s liveliness response.', since: '1.0.0', complexity: 'O(1)', run: srv.ping },
  { name: 'echo', arity: 2, flags: ['fast'], keys: none, route: 'none', group: 'connection', summary: 'Returns the given string.', since: '1.0.0', complexity: 'O(1)', run: srv.echo },
  { name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], keys: none, route: 'none', group: 'connection', summary: 'Changes the selected database.', since: '1.0.0', complexity: 'O(1)', run: srv.select },
  { name: 'quit', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], keys: none, route: 'none', group: 'connection', summary: 'Closes the connection.', since: '1.0.0', complexity: 'O(1)', run: srv.quit },
  { name: 'hello', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], keys: none, route: 'none', group: 'connection', summary: 'Handshakes with the Redis server.', since: '6.0.0', complexity: 'O(1)', run: srv.hello },
  { name: 'client', arity: -2, flags: ['noscript', 'loading', 'stale'], keys: none, route: 'none', group: 'connection', summary: 'A container for client connection commands.', since: '2.4.0', complexity: 'Depends on subcommand.', run: srv.client },
  { name: 'info', arity: -1, flags: ['loading', 'stale'], keys: none, route: 'none', group: 'server', summary: 'Returns information and statistics about the server.', since: '1.0.0', complexity: 'O(1)', run: srv.info },
  { name: 'config', arity: -2, flags: ['noscript', 'loading', 'stale'], keys: none, route: 'none', group: 'server', summary: 'A container for server configuration commands.', since: '2.0.0', complexity: 'Depends on subcommand.', run: srv.config },
  { name: 'command', arity: -1, flags: ['loading', 'stale'], keys: none, route: 'none', group: 'server', summary: 'Returns detailed information about all commands.', since: '2.8.13', complexity: 'O(N) where N is the total number of Redis commands', run: command },
]

const ACL: Record<string, string> = {
  string: '@string',
  generic: '@keyspace',
  server: '@admin',
  connection: '@connection',
}

export const COMMANDS: readonly Command[] = SPECS.map((spec) => ({
  ...spec,
  acl: [spec.flags.includes('write') ? '@write' : spec.flags.includes('readonly') ? '@read' : '@slow', ACL[spec.group]!],
}))

// Lookup by the bytes of argument 0: a hash of the lowercased bytes, then a byte comparison.
const byHash = new Map<number, Command>()

function hashLower(buf: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5
  for (let i = s; i < e; i++) {
    const c = buf[i]!
    h = Math.imul(h ^ (c >= 65 && c <= 90 ? c | 0x20 : c), 0x01000193)
  }
  return h >>> 0
}

for (const cmd of COMMANDS) {
  const h = hashLower(Buffer.from(cmd.name), 0, cmd.name.length)
  if (byHash.has(h)) throw new Error(`command hash collision: ${cmd.name}`)
  byHash.set(h, cmd)
}

/** The command named by argument 0, or undefined. */
export function findCommand(a: Args): Command | undefined {
  const s = a.start[0]!
  const e = a.end[0]!
  if (e - s > 16) return undefined
  const cmd = byHash.get(hashLower(a.buf, s, e))
  return cmd !== undefined && a.is(0, cmd.name) ? cmd : undefined
}

export function arityOk(cmd: Command, count: number): boolean {
  return cmd.arity > 0 ? count === cmd.arity : count >= -cmd.arity
}

/** Redis 7's reply to a command it does not know (server.c, processCommand). */
export function unknownCommand(c: Ctx, a: Args): void {
  let args = ''
  for (let i = 1; i < a.count && args.length < 128; i++) args += `'${a.str(i).slice(0, 128 - args.length)}' `
  c.out.err(`unknown command '${a.str(0).slice(0, 128)}', with args beginning with: ${args}`)
}

export function wrongArity(c: Ctx, cmd: Command): void {
  c.out.err(`wrong number of arguments for '${cmd.name}' command`)
}

/** Runs one command (`a.count` ≥ 1) against this shard's store. */
export function execute(c: Ctx, a: Args): void {
  const cmd = findCommand(a)
  if (cmd === undefined) return unknownCommand(c, a)
  if (!arityOk(cmd, a.count)) return wrongArity(c, cmd)
  cmd.run(c, a)
}

// ---------------------------------------------------------------- COMMAND

function commandInfo(c: Ctx, cmd: Command): void {
  const out = c.out
  out.arrayHeader(10)
  out.bulk(cmd.name)
  out.int(cmd.arity)
  out.arrayHeader(cmd.flags.length)
  for (const f of cmd.flags) out.simple(f)
  out.int(cmd.keys[0])
  out.int(cmd.keys[1])
  out.int(cmd.keys[2])
  out.arrayHeader(cmd.acl.length)
  for (const cat of cmd.acl) out.simple(cat)
  out.emptyArray() // tips
  out.emptyArray() // key specs
  out.emptyArray() // subcommands
}

function commandDocs(c: Ctx, cmd: Command): void {
  const out = c.out
  out.bulk(cmd.name)
  out.arrayHeader(8)
  out.bulk('summary')
  out.bulk(cmd.summary)
  out.bulk('since')
  out.bulk(cmd.since)
  out.bulk('group')
  out.bulk(cmd.group)
  out.bulk('complexity')
  out.bulk(cmd.complexity)
}

function byName(name: string): Command | undefined {
  const lower = name.toLowerCase()
  return COMMANDS.find((cmd) => cmd.name === lower)
}

/** COMMAND, COMMAND COUNT, COMMAND INFO, COMMAND DOCS, COMMAND LIST. */
export function command(c: Ctx, a: Args): void {
  const out = c.out
  if (a.count === 1) {
    out.arrayHeader(COMMANDS.length)
    for (const cmd of COMMANDS) commandInfo(c, cmd)
  } else if (a.is(1, 'count')) {
    if (a.count !== 2) return out.err("wrong number of arguments for 'command|count' command")
    out.int(COMMANDS.length)
  } else if (a.is(1, 'info')) {
    const wanted = a.count === 2 ? COMMANDS : Array.from({ length: a.count - 2 }, (_, i) => byName(a.str(i + 2)))
    out.arrayHeader(wanted.length)
    for (const cmd of wanted) {
      if (cmd === undefined) out.nullBulk()
      else commandInfo(c, cmd)
    }
  } else if (a.is(1, 'docs')) {
    const wanted = a.count === 2 ? COMMANDS : Array.from({ length: a.count - 2 }, (_, i) => byName(a.str(i + 2))).filter((x) => x !== undefined)
    out.arrayHeader(wanted.length * 2)
    for (const cmd of wanted) commandDocs(c, cmd)
  } else if (a.is(1, 'list')) {
    let names = COMMANDS.map((cmd) => cmd.name)
    if (a.count === 5 && a.is(2, 'filterby') && a.is(3, 'pattern')) {
      const pattern = a.str(4)
      names = names.filter((n) => globMatch(pattern, n, true))
    } else if (a.count !== 2) {
      return out.err(s.SYNTAX)
    }
    out.arrayHeader(names.length)
    for (const n of names) out.bulk(n)
  } else {
    out.err(`unknown subcommand '${a.str(1).slice(0, 128)}'. Try COMMAND HELP.`)
  }
}

