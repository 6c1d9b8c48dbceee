// Whole processes (children of this runtime): a pending pollAsync keeps the process alive and
// lets it exit once settled; process.exit() with a worker blocked in poll(null) exits.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { runtime, test } from './harness.mjs'

/** Runs children/<name> under this same runtime (a hang detector of 20 s). */
function child(name) {
  const file = fileURLToPath(new URL(`./children/${name}`, import.meta.url))
  const args = runtime === 'deno' ? ['run', '--allow-all', file] : [file]
  const { FORCE_COLOR: _, ...env } = process.env // Deno colours output when FORCE_COLOR is set, even to 0
  return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 20_000, env: { ...env, NO_COLOR: '1' } })
}

// Checked by breaking the binding: a threadsafe function never released hangs the child under
// every runtime; an unref'd one lets Node (WAKEPOLL_NO_LIBUV=1) exit early, while Bun 1.4 and
// Deno 2.9 keep their loops alive for a threadsafe function even when it is unref'd.
test('a pending pollAsync keeps the process alive; settled, it lets the process exit', () => {
  const r = child('keep-alive.mjs')
  assert.equal(r.error, undefined, `the child did not exit: ${r.error}`)
  assert.equal(r.stdout.trim(), 'resolved 1', r.stderr)
  assert.equal(r.status, 0, r.stderr)
})

test('process.exit() while a worker blocks in poll(events, null) ends the process', () => {
  const r = child('exit-while-blocked.mjs')
  assert.equal(r.error, undefined, `the child did not exit: ${r.error}`)
  assert.equal(r.stdout.trim(), 'exiting', r.stderr)
  assert.equal(r.status, 0, r.stderr)
})
