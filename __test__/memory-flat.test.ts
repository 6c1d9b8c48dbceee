// Memory stays flat in a loop that never returns to the event loop (issue #13, contract
// section 3 "A loop that never yields"). Each kind of create/use/close cycle runs in a child
// process (helpers/flat-memory-child.ts) — on its main thread, as a synchronous loop, and in a
// worker that never returns to its event loop — and resident memory after the cycles may grow
// by at most a bound over what it was after a warm-up (both measured after a full GC).
//
// Before the slot tables (src/slots.rs), every object was a napi class instance or external
// whose finalizer waits for the event loop; then these children grew by 15-52 MiB at the
// reduced size (50,000 cycles) and by 100+ MiB at the full one.
//
// Reduced size in `npm test`; `npm run test:stress` (WAKEPOLL_STRESS=1) runs 1,000,000 cycles
// of each with the bound, 16 MiB (16 bytes a cycle). The reduced bound, 8 MiB over
// 50,000 cycles, is looser per cycle (RSS moves by a few MiB with the allocator alone) but
// still about half the smallest growth the old code showed (15 MiB: fromHandle in a worker).

import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import test, { type Implementation } from 'ava'

import { KINDS, UNIX_KINDS, type FlatMemoryResult } from './helpers/flat-memory-child.ts'
import { rssBounded, rssOnly, rssReadsZero, rssTitle, unixOnly } from './helpers/platform.js'
import { stressOr } from './helpers/resources.js'

const run = promisify(execFile)
const child = fileURLToPath(new URL('./helpers/flat-memory-child.ts', import.meta.url))
const root = fileURLToPath(new URL('..', import.meta.url))

// Under a sanitizer, where RSS is not bounded, the cycles still run (for its checks of every
// free and of what is left at exit), fewer of them: it is several times slower.
const cycles = rssBounded ? stressOr(1_000_000, 50_000) : 5_000
const warmup = rssBounded ? stressOr(100_000, 20_000) : 1_000
const limitMiB = stressOr(16, 8)

/**
 * `test.serial`; the kinds that use Unix stream pairs are Unix-only (Windows has none). Where RSS
 * reads 0 (qemu-user) every one is skipped: RSS is all they measure.
 */
function declare(kind: (typeof KINDS)[number]): (title: string, run: Implementation<[]>) => void {
  if (rssReadsZero) return rssOnly({ serial: true })
  if (UNIX_KINDS.includes(kind)) return unixOnly('UnixStream.pair', { serial: true })
  return (title, run) => test.serial(title, run)
}

for (const where of ['main', 'worker'] as const) {
  for (const kind of KINDS) {
    const bound = rssBounded ? ` grow RSS by < ${limitMiB} MiB` : ''
    declare(kind)(rssTitle(`${kind}: ${cycles} cycles in a loop that never yields (${where} thread)${bound}`), async (t) => {
      t.timeout(stressOr(15 * 60_000, 2 * 60_000))
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', child, kind, String(cycles), String(warmup), where],
        // Two malloc arenas, as test:stress sets: the default grows one per thread that
        // allocates, a few MiB of RSS that has nothing to do with wakepoll.
        { cwd: root, env: { ...process.env, MALLOC_ARENA_MAX: '2' }, maxBuffer: 1 << 20 },
      )
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as FlatMemoryResult
      const growth = (result.after - result.before) / (1024 * 1024)
      t.log(`RSS ${(result.before / 1048576).toFixed(1)} → ${(result.after / 1048576).toFixed(1)} MiB: ${growth.toFixed(2)} MiB over ${cycles} cycles`)
      t.is(result.cycles, cycles)
      if (rssBounded) t.true(growth < limitMiB, `RSS grew by ${growth.toFixed(2)} MiB`)
    })
  }
}
