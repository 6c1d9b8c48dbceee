// Which platform the suite runs on, and the tests that cannot run on some of them.
//
// A test that exercises what only Unix has (FIFOs, Unix domain sockets, pipes, /proc, signals)
// is declared with `unixOnly(reason)`: on Windows it is listed as skipped with the reason, and
// it runs everywhere else. `wineOnlySkip` is for the few cases where wine, not Windows, behaves
// differently from Windows' documentation (the evidence: scripts/cross/windows/wine-sockets.c,
// see docs/platforms-windows.md); those are skipped only under wine.

import test, { type Implementation } from 'ava'

import { NO_RSS, onWindows, onWine, rssReadsZero } from './os.js'

export * from './os.js'

type Declare = (title: string, implementation: Implementation<[]>) => void

/** `test` (`test.serial` with `serial`), or where `skip` holds a skipped test titled with why. */
function declare(skip: boolean, why: string, serial: boolean): Declare {
  return (title, implementation) => {
    if (skip) test.skip(`${title} [${why}]`, implementation)
    else if (serial) test.serial(title, implementation)
    else test(title, implementation)
  }
}

/** `test`, or on Windows a skipped test whose title says why. */
export function unixOnly(reason: string, { serial = false } = {}): Declare {
  return declare(onWindows, `Unix only: ${reason}`, serial)
}

/** `test`, or under wine a skipped test whose title says which wine difference stops it. */
export function wineOnlySkip(reason: string, { serial = false } = {}): Declare {
  return declare(onWine, `wine only: ${reason}`, serial)
}

/** `test` for a test that only measures RSS; where RSS reads 0 (qemu-user), skipped with why. */
export function rssOnly({ serial = false } = {}): Declare {
  return declare(rssReadsZero, NO_RSS, serial)
}
