// binding-loader.cjs: a native file that exists but does not load is reported with the
// underlying load error (dlopen's), naming the runtime — not hidden under napi-rs' generic
// "Cannot find native binding".
import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runtime, test } from './harness.mjs'

const require = createRequire(import.meta.url)

test('a native file that does not load: ERR_WAKEPOLL_NATIVE_MODULE with the load error and the runtime', () => {
  const root = dirname(require.resolve('wakepoll/package.json'))
  const dir = mkdtempSync(join(tmpdir(), 'wakepoll-loader-'))
  try {
    for (const file of ['binding.cjs', 'binding-loader.cjs', 'package.json']) copyFileSync(join(root, file), join(dir, file))
    // Every candidate name of this platform's local build: not a shared object at all.
    for (const id of ['linux-x64-gnu', 'linux-x64-musl', 'linux-arm64-gnu', 'darwin-arm64', 'darwin-x64', 'win32-x64-msvc']) {
      writeFileSync(join(dir, `wakepoll.${id}.node`), 'not a shared object')
    }
    let error
    try {
      createRequire(join(dir, 'x.cjs'))('./binding-loader.cjs')
    } catch (err) {
      error = err
    }
    assert.ok(error, 'the loader threw')
    assert.equal(error.code, 'ERR_WAKEPOLL_NATIVE_MODULE')
    assert.match(error.message, /A file was found but did not load: .*wakepoll\.[a-z0-9-]+\.node/)
    const name = { node: 'Node', bun: 'Bun', deno: 'Deno' }[runtime]
    assert.match(error.message, new RegExp(`\\(${name} `))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
