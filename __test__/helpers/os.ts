// Facts about the platform the suite runs on, for tests and for the helpers that child
// processes and workers load too (so: nothing here imports ava, which refuses to load outside
// its own test files). The test declarers that use them are in platform.ts.

import { execFileSync } from 'node:child_process'

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

/**
 * Why the tests that count the process's descriptors cannot run under wine: its
 * GetProcessHandleCount always says 0 (scripts/cross/windows/wine-handle-count.c).
 */
export const NO_HANDLE_COUNT = 'GetProcessHandleCount is a stub that reports 0 handles'

/**
 * Whether the libkqueue build of the module is the one loaded (scripts/cross/check-libkqueue.sh
 * loads it through the generated loader's NAPI_RS_NATIVE_LIBRARY_PATH and says so with
 * WAKEPOLL_LIBKQUEUE=1): the kqueue backend, running on Linux.
 */
export const onLibkqueue = process.env.WAKEPOLL_LIBKQUEUE === '1'

/** Whether epoll backs wakepoll: Linux, but for the libkqueue build. */
export const onEpoll = process.platform === 'linux' && !onLibkqueue

/** Whether kqueue backs wakepoll: macOS, FreeBSD, and the libkqueue build on Linux. */
export const onKqueue = onLibkqueue || process.platform === 'darwin' || process.platform === 'freebsd'

/** The system call named in registration errors: the selector's control call. */
export const SELECTOR_CTL = onEpoll ? 'epoll_ctl' : onWindows ? 'IOCTL_AFD_POLL' : 'kevent'

// Where wine 8.0's sockets differ from Windows' documentation, shown by
// scripts/cross/windows/wine-sockets.c (docs/platforms-windows.md).

/** Case 1 there: a FIN that arrives behind unread data is never reported (no POLLHUP). */
export const WINE_NO_HUP_BEHIND_DATA = "a peer's FIN behind unread data never shows as a hang-up"

/** Case 2 there: after a RST, recv returns 0 instead of failing with WSAECONNRESET. */
export const WINE_RESET_READS_0 = 'a recv after a RST returns 0 instead of WSAECONNRESET'

/** Case 3 there: SO_ERROR keeps a refused connect's error after it was read. */
export const WINE_SO_ERROR_STAYS = 'getsockopt(SO_ERROR) does not clear the error it returns'

/**
 * The sanitizer the loaded module was built with, when scripts/sanitizers/ run the suite:
 * `npm run test:asan` and `test:tsan` load a build with `-Zsanitizer=address` or `thread`
 * through the generated loader's NAPI_RS_NATIVE_LIBRARY_PATH and say so with
 * WAKEPOLL_SANITIZER. Undefined on every other run.
 */
export const sanitizer: 'address' | 'thread' | undefined = ((name) =>
  name === 'address' || name === 'thread' ? name : undefined)(process.env.WAKEPOLL_SANITIZER)

// Emulated CPUs: scripts/release/test-arm64.sh runs the suite on arm64 under qemu-user
// (WAKEPOLL_EMULATOR=qemu-user), where every instruction is translated: a node process takes
// seconds to start, and the emulator reports no resident memory.

/** Whether an emulator runs this process (scripts/release/qemu-arm64.sh says so). */
export const onEmulator = process.env.WAKEPOLL_EMULATOR !== undefined && process.env.WAKEPOLL_EMULATOR !== ''

/**
 * Why a count of received descriptors means nothing under qemu-user: it gives the host kernel a
 * control buffer twice the size the program gave (linux-user/syscall.c, do_sendrecvmsg_locked),
 * so a truncated SCM_RIGHTS message installs descriptors in the process that qemu then drops
 * while copying the message back, never closed and never seen by the program.
 */
export const QEMU_SCM_LEAK = "qemu-user doubles recvmsg's control buffer and leaks the descriptors it then cuts off"

/**
 * Whether bounds meant to catch a hang must allow for a harness many times slower than the
 * machine: wine (node.exe children compile through esbuild.exe), libkqueue, an emulator, a
 * sanitizer.
 */
export const slowHarness = onWine || onLibkqueue || onEmulator || sanitizer !== undefined

/**
 * A bound that only detects a hang (a lost wake, a terminate() that never resolves): `ms` on real
 * hardware; ten times that under an emulator, where a test file's concurrent tests share CPUs
 * that run every instruction translated (a wake once took 9 s of a 10 s bound); six times under a
 * sanitizer, where every process runs several times slower. Nothing is timed by it.
 */
export function hangBound(ms: number): number {
  if (onEmulator) return ms * 10
  if (sanitizer !== undefined) return ms * 6
  return ms
}

/** Whether `process.memoryUsage().rss` reads 0, as under qemu-user: an RSS check measures nothing. */
export const rssReadsZero = process.memoryUsage().rss === 0

/** Why the RSS checks are skipped where `rssReadsZero`. */
export const NO_RSS = 'process.memoryUsage().rss reads 0 here (qemu-user)'

/**
 * Why resident memory says nothing about wakepoll on this run, or undefined where it does:
 * under qemu-user it reads 0; ASan keeps freed blocks in its quarantine (256 MiB) and pads every
 * allocation with redzones; TSan keeps shadow memory and the history of every access. A test
 * that bounds RSS growth does not bound it then (`rssBounded`), and says so in its title
 * (`rssTitle`).
 */
export const RSS_UNMEASURED: string | undefined = rssReadsZero
  ? NO_RSS
  : sanitizer === undefined
    ? undefined
    : `RSS not bounded under ${sanitizer === 'address' ? 'ASan' : 'TSan'}: it holds freed memory`

/** Whether an RSS growth bound means anything on this run. */
export const rssBounded = RSS_UNMEASURED === undefined

/** The title of a test that bounds RSS among other things: it says where that part is skipped. */
export function rssTitle(title: string): string {
  return rssBounded ? title : `${title} [RSS part skipped: ${RSS_UNMEASURED}]`
}
