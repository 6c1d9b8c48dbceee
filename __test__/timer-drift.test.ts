// Timer drift (issue #17: "a 1 ms periodic timer does not drift by more than one period over
// 10 s"): a figure of the timer against the monotonic clock, so it runs in `npm run
// test:stress` (WAKEPOLL_STRESS=1) only; the normal suite skips it. The expirations counted by
// wait() over 10 s must match the due times that passed (one per ms) within one period, both
// for a waiter that keeps up and for one that falls behind (busy for 5 ms at a time), whose
// missed periods wait() must count rather than lose.

import test from 'ava'

import { Timer } from '../index.ts'

const stress = process.env.WAKEPOLL_STRESS === '1'
const run = stress ? test.serial : test.skip
const PERIOD_MS = 1
const DURATION_MS = 10_000

for (const waiter of ['keeps up', 'falls behind'] as const) {
  run(`a 1 ms periodic timer does not drift by more than one period over 10 s (waiter ${waiter})`, (t) => {
    t.timeout(60_000)
    const timer = new Timer()
    t.teardown(() => timer.close())
    const start = performance.now()
    timer.reset(PERIOD_MS, PERIOD_MS)
    let counted = 0
    let now = start
    while (now - start < DURATION_MS) {
      counted += timer.wait()
      now = performance.now()
      if (waiter === 'falls behind') while (performance.now() - now < 5);
    }
    counted += timer.waitTimeout(0)
    const due = Math.floor((performance.now() - start) / PERIOD_MS)
    const drift = due - counted
    t.log(`${counted} expirations counted, ${due} due: drift ${drift} period(s)`)
    t.true(Math.abs(drift) <= 1, `drift of ${drift} periods`)
  })
}
