// The kv example's RESP2 request parser (examples/kv/resp.ts), in process: a pipeline of
// multibulk and inline commands split at every byte gives the same commands as whole; inline
// quoting as Redis's sdssplitargs; every protocol error worded as redis-server 7 words it (the
// expected texts were read from redis-server 7.0.15's replies to the same bytes).

import test from 'ava'

import { Args, INCOMPLETE, INLINE_MAX, PROTOCOL_ERROR, RequestParser } from '../examples/kv/resp.ts'

/** Parses `chunks` as a connection receives them; the commands as string arrays, and any error. */
function parseChunks(chunks: Buffer[]): { commands: string[][]; error: string | null } {
  const parser = new RequestParser()
  const args = new Args()
  const commands: string[][] = []
  let pending = Buffer.alloc(0)
  for (const chunk of chunks) {
    let buf = Buffer.concat([pending, chunk])
    let pos = 0
    for (;;) {
      if (pos >= buf.length) {
        pending = Buffer.alloc(0)
        break
      }
      const next = parser.parse(buf, pos, buf.length, args)
      if (next === INCOMPLETE) {
        // The parser's lower bound on what it needs must hold: never more than the whole command.
        pending = Buffer.from(buf.subarray(pos))
        break
      }
      if (next === PROTOCOL_ERROR) return { commands, error: parser.error }
      if (args.count > 0) commands.push(Array.from({ length: args.count }, (_, i) => args.str(i)))
      pos = next
    }
    buf = pending
  }
  return { commands, error: null }
}

const PIPELINE = Buffer.from(
  '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\n' + // a value holding CR LF
    'PING\r\n' + // inline
    '*0\r\n' + // an empty multibulk: skipped
    '\r\n' + // an empty inline line: skipped
    'set "a b" \'c\\\'d\' "\\x41\\n\\t"\r\n' + // quoting and escapes
    '*2\r\n$4\r\nECHO\r\n$0\r\n\r\n' + // an empty argument
    'GET\tkey\n' + // LF alone ends an inline line; a tab separates
    '*-1\r\n' + // a negative count: skipped, as Redis does
    '*1\r\n$4\r\nPING\r\n',
  'latin1',
)
const EXPECTED = [['SET', 'key', 'va\r\nl'], ['PING'], ['set', 'a b', "c'd", 'A\n\t'], ['ECHO', ''], ['GET', 'key'], ['PING']]

test('a pipeline parses into its commands whole', (t) => {
  t.deepEqual(parseChunks([PIPELINE]), { commands: EXPECTED, error: null })
})

test('the same pipeline split at every byte gives the same commands', (t) => {
  for (let i = 1; i < PIPELINE.length; i++) {
    t.deepEqual(parseChunks([PIPELINE.subarray(0, i), PIPELINE.subarray(i)]), { commands: EXPECTED, error: null }, `split at ${i}`)
  }
})

test('the same pipeline one byte at a time gives the same commands', (t) => {
  const bytes = Array.from(PIPELINE, (b) => Buffer.from([b]))
  t.deepEqual(parseChunks(bytes), { commands: EXPECTED, error: null })
})

test('an incomplete bulk tells how many bytes it needs', (t) => {
  const parser = new RequestParser()
  const header = Buffer.from('*2\r\n$3\r\nSET\r\n$100\r\nabc')
  t.is(parser.parse(header, 0, header.length, new Args()), INCOMPLETE)
  // "*2\r\n$3\r\nSET\r\n$100\r\n" is 19 bytes, then 100 bytes of data and CR LF.
  t.is(parser.need, 19 + 100 + 2)
})

test('Redis skips the two bytes after a bulk without looking at them', (t) => {
  t.deepEqual(parseChunks([Buffer.from('*1\r\n$4\r\nPINGxy*1\r\n$4\r\nPING\r\n')]), { commands: [['PING'], ['PING']], error: null })
})

const ERRORS: [string, string][] = [
  ['*x\r\n', 'invalid multibulk length'],
  ['*3000000000\r\n', 'invalid multibulk length'],
  ['*2147483648\r\n', 'invalid multibulk length'],
  ['*\r\n', 'invalid multibulk length'],
  ['*01\r\n', 'invalid multibulk length'],
  ['*1\r\nx3\r\n', "expected '$', got 'x'"],
  ['*1\r\n$x\r\n', 'invalid bulk length'],
  ['*1\r\n$-1\r\n', 'invalid bulk length'],
  ['*1\r\n$600000000\r\n', 'invalid bulk length'],
  ['PING "abc\r\n', 'unbalanced quotes in request'],
  ['set "a"b c\r\n', 'unbalanced quotes in request'],
  ["set 'a\r\n", 'unbalanced quotes in request'],
  ['x'.repeat(INLINE_MAX + 1), 'too big inline request'],
  [`*${'1'.repeat(INLINE_MAX + 1)}`, 'too big mbulk count string'],
  [`*1\r\n$${'1'.repeat(INLINE_MAX + 1)}`, 'too big bulk count string'],
]

for (const [input, message] of ERRORS) {
  test(`protocol error: ${JSON.stringify(input.slice(0, 24))} → "${message}"`, (t) => {
    t.deepEqual(parseChunks([Buffer.from(input, 'latin1')]), { commands: [], error: message })
  })
}

test('*2147483647 (INT_MAX) is a valid count: the parser waits for the arguments', (t) => {
  t.deepEqual(parseChunks([Buffer.from('*2147483647\r\n')]), { commands: [], error: null })
})
