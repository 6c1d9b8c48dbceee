// A tiny test runner that Node, Bun and Deno all run the same way (ava runs under Node only).
// Each test file registers tests with `test(name, fn)`; run.mjs runs them one at a time, each
// with a hang detector, and closes with the plain line `N passed, M failed, K skipped`.
//
// `skipOn` names runtimes a test does not run under, each with its reason, printed on skip.

export const runtime = globalThis.Bun ? 'bun' : globalThis.Deno ? 'deno' : 'node'
export const runtimeVersion =
  runtime === 'bun' ? process.versions.bun : runtime === 'deno' ? process.versions.deno : process.versions.node

const tests = []

/**
 * @param {string} name
 * @param {(own: <T extends { close(): void }>(resource: T) => T) => unknown} fn
 *   `own(resource)` returns the resource and closes it when the test ends (no `using` in Node 20).
 * @param {{ skipOn?: Record<string, string>, timeoutMs?: number }} [options]
 */
export function test(name, fn, options = {}) {
  tests.push({ name, fn, ...options })
}

/** Resolves with `promise`'s value, or rejects when `ms` pass first (a hang detector). */
export function within(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export async function run() {
  let passed = 0
  let failed = 0
  let skipped = 0
  console.log(`# wakepoll portable tests under ${runtime} ${runtimeVersion}`)
  for (const t of tests) {
    const reason = t.skipOn?.[runtime]
    if (reason) {
      skipped++
      console.log(`skip - ${t.name} (${runtime}: ${reason})`)
      continue
    }
    const owned = []
    const own = (resource) => (owned.push(resource), resource)
    try {
      try {
        await within(Promise.resolve().then(() => t.fn(own)), t.timeoutMs ?? 15_000, 'test')
      } finally {
        for (const resource of owned.reverse()) resource.close()
      }
      passed++
      console.log(`ok - ${t.name}`)
    } catch (err) {
      failed++
      console.log(`not ok - ${t.name}`)
      console.log(String(err?.stack ?? err).replace(/^/gm, '    '))
    }
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
  return failed
}
