// The package entries: `import ... from 'wakepoll'` resolves to index.mjs and `require('wakepoll')`
// to the compiled CommonJS API (dist/index.js); both give the same objects (one implementation,
// no dual-package hazard), with the names index.ts exports.
import test from 'ava'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

import * as source from '../index.ts'

const require = createRequire(import.meta.url)
const fromRoot = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url))

test("'wakepoll' resolves to index.mjs for import and dist/index.js for require", (t) => {
  t.is(fileURLToPath(import.meta.resolve('wakepoll')), fromRoot('index.mjs'))
  t.is(require.resolve('wakepoll'), fromRoot('dist/index.js'))
})

test('import and require give the same classes, with the names index.ts exports', async (t) => {
  const esm = await import('wakepoll')
  const cjs = require('wakepoll') as Record<string, unknown>
  const names = Object.keys(source).sort()
  t.deepEqual(Object.keys(esm).sort(), names)
  t.deepEqual(
    Object.keys(cjs)
      .filter((name) => name !== '__esModule')
      .sort(),
    names,
  )
  for (const name of names) t.is((esm as Record<string, unknown>)[name], cjs[name], name)
})

test('the package entry exports a working API', async (t) => {
  const api = await import('wakepoll')
  for (const name of ['Poll', 'Registry', 'Events', 'Event', 'Interest', 'Waker'] as const) {
    t.is(typeof api[name], name === 'Interest' ? 'object' : 'function', name)
  }
  const poll = new api.Poll()
  const waker = new api.Waker(poll.registry, 3)
  waker.wake()
  const events = new api.Events(2)
  t.is(poll.poll(events, 0), 1)
  t.is(events.token(0), 3)
  poll.close()
})
