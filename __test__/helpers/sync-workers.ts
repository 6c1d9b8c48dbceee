// The main-thread side of the AtomicWaker / SyncEvent / WaitContext worker tests: starts a
// scenario of sync-scenarios.ts and turns its messages, errors and exit into promises; a hang
// detector; a watchdog worker for a main thread that blocks; child processes of sync-child.ts.

import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { startChildScript, type Child } from './child.js'
import { startScenario, type TestWorker } from './workers.js'

import type { ExecutionContext } from 'ava'

import type { SyncEvent } from '../../index.ts'
import type { SyncScenarioData, SyncScenarioName } from './sync-scenarios.js'
import { Flags, waitUntil, waitUntilBlockedInPoll } from './sync-threads.js'

const entry = new URL('./sync-scenarios.ts', import.meta.url).href

export type SyncWorker = TestWorker

/**
 * Starts worker scenario `scenario` with `data`. When the test ends, a worker still running is
 * terminated; `rescue` runs first (e.g. sets STOP, or signals what the worker waits for).
 */
export function startSyncWorker<K extends SyncScenarioName>(
  t: ExecutionContext,
  scenario: K,
  data: SyncScenarioData[K],
  options: { rescue?: () => void } = {},
): SyncWorker {
  return startScenario(t, entry, scenario, data, options)
}

/**
 * 'settled' once `promise` settles, 'hung' if it has not after `ms` — a hang detector only: the
 * limits the tests pass are far above anything a working implementation needs.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<'settled' | 'hung'> {
  const timer = new AbortController()
  const outcome = await Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    delay(ms, 'hung' as const, { signal: timer.signal }).catch(() => 'settled' as const),
  ])
  timer.abort()
  return outcome
}

/**
 * A watchdog worker for a test whose main thread blocks in `wait()`: unless the test ends (or
 * calls `done()`) within `ms`, it signals `rescue` so that the wait returns and the test fails
 * instead of hanging. `fired()` tells whether it did.
 */
export async function startWatchdog(
  t: ExecutionContext,
  rescue: SyncEvent,
  ms = 10_000,
): Promise<{ done: () => void; fired: () => boolean }> {
  const flags = new Flags()
  const worker = startSyncWorker(t, 'watchdog', { event: rescue.handle, flags: flags.buffer, ms })
  t.teardown(() => flags.set('DONE', 1))
  // The worker must be running (module loaded) before main blocks.
  const armed = await worker.nextMessage<string>()
  if (armed !== 'armed') throw new Error(`watchdog: unexpected message ${JSON.stringify(armed)}`)
  return {
    done: () => flags.set('DONE', 1),
    fired: () => flags.get('WORKER') === 1,
  }
}

// --- Child processes (sync-child.ts) ---------------------------------------------------------

const childScript = fileURLToPath(new URL('./sync-child.ts', import.meta.url))

export type ChildMode = 'atomic-pending' | 'idle' | 'settled'
export type { Child }

/** Runs helpers/sync-child.ts in `mode`; killed when the test ends. */
export function startChild(t: ExecutionContext, mode: ChildMode): Child {
  return startChildScript(t, childScript, [mode])
}

// --- Making sure another thread is inside a wait ------------------------------------------------

/**
 * Returns once thread `tid`, which said it is about to block in a wait on `event` (or a clone or
 * another object of it), holds the one-waiter slot: seen blocked in epoll_wait through /proc
 * (wchan), or else found by probing `event.waitTimeout(0)` until it throws EBUSY (the worker
 * side retries an EBUSY of its own). Returns how it was seen, or 'not seen' after `maxMs`.
 */
export function confirmWaiting(tid: number, event: SyncEvent, maxMs = 5000): 'wchan' | 'EBUSY' | 'not seen' {
  if (waitUntilBlockedInPoll(tid, Math.min(maxMs, 2000))) return 'wchan'
  const seen = waitUntil(() => {
    try {
      event.waitTimeout(0)
      return false
    } catch (err) {
      if ((err as { code?: unknown }).code === 'EBUSY') return true
      throw err
    }
  }, maxMs)
  return seen ? 'EBUSY' : 'not seen'
}
