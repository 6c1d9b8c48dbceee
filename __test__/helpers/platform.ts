// Which platform the suite runs on, and the tests that cannot run on some of them.
//
// A test that exercises what only Unix has (FIFOs, Unix domain sockets, pipes, /proc, signals)
// is declared with `unixOnly(reason)`: on Windows it is listed as skipped with the reason, and
// it runs everywhere else. `wineOnlySkip` is for the few cases where wine, not Windows, behaves
// differently from Windows' documentation (the evidence: scripts/cross/windows/wine-sockets.c,
// see docs/platforms-windows.md); those are skipped only under wine.

import { execFileSync } from 'node:child_process'

import test, { type Implementation } from 'ava'

/** Whether this is Windows, where registered numbers are SOCKETs and there are no FIFOs. */
export const onWindows = process.platform === 'win32'

/**
 * Whether this Windows is wine: it keeps its settings under HKCU\Software\Wine, which no
 * Windows has (`reg` is a program of both).
 */
export const onWine: boolean =
  onWindows &&
  (() => {
    try {
      execFileSync('reg', ['query', 'HKCU\\Software\\Wine'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()

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

/**
 * Why the tests that count the process's descriptors cannot run under wine: its
 * GetProcessHandleCount always says 0 (scripts/cross/windows/wine-handle-count.c).
 */
export const NO_HANDLE_COUNT = 'GetProcessHandleCount is a stub that reports 0 handles'

/** The system call named in registration errors: the selector's control call. */
export const SELECTOR_CTL =
  process.platform === 'linux' ? 'epoll_ctl' : onWindows ? 'IOCTL_AFD_POLL' : 'kevent'

// Where wine 8.0's sockets differ from Windows' documentation, shown by
// scripts/cross/windows/wine-sockets.c (docs/platforms-windows.md).

/** Case 1 there: a FIN that arrives behind unread data is never reported (no POLLHUP). */
export const WINE_NO_HUP_BEHIND_DATA = "a peer's FIN behind unread data never shows as a hang-up"

/** Case 2 there: after a RST, recv returns 0 instead of failing with WSAECONNRESET. */
export const WINE_RESET_READS_0 = 'a recv after a RST returns 0 instead of WSAECONNRESET'

/** Case 3 there: SO_ERROR keeps a refused connect's error after it was read. */
export const WINE_SO_ERROR_STAYS = 'getsockopt(SO_ERROR) does not clear the error it returns'
