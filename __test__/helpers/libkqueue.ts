// The libkqueue build: the Node module with the kqueue backend over libkqueue (a userspace
// kqueue on epoll), which scripts/cross/check-libkqueue.sh loads through the generated
// loader's NAPI_RS_NATIVE_LIBRARY_PATH and announces with WAKEPOLL_LIBKQUEUE=1.
//
// A test that hits one of libkqueue's known gaps (docs/platforms-kqueue.md) is skipped there,
// and only there, with the gap in its title; everywhere else it runs as it is.

import test, { type Implementation } from 'ava'

import { onLibkqueue } from './os.js'

export { onLibkqueue }

/** libkqueue's known differences from a native kqueue that tests run into. */
export const LIBKQUEUE_GAPS = {
  // Its kqueue fd is a pipe's write end, never readable: whatever waits for the selector's
  // fd (pollAsync, also through the waiter thread's wait_ready; watch; waitAsync) never wakes.
  1: 'the kqueue fd is not pollable',
  // FreeBSD's kqueue_register re-checks readiness on EV_ADD; libkqueue does not.
  4: 'EV_ADD of an existing knote does not re-report a ready source',
  // takeError() is then null, and a reset read returns 0 instead of ECONNRESET.
  5: 'SO_ERROR is read (and cleared) on EPOLLERR',
  // Its evfilt_read_knote_modify refuses a socket's knote without EV_CLEAR (a WaitContext's).
  6: 'EV_ADD of an existing level-triggered socket read knote keeps its old token',
  // It cannot see close() of a kqueue fd: its monitoring thread notices the close later
  // (EPOLLHUP of the fd's pipe, src/linux/platform.c) and only then closes the kqueue's epoll.
  7: "a closed kqueue's epoll fd is closed later, by libkqueue's monitoring thread",
} as const

export type LibkqueueGap = keyof typeof LIBKQUEUE_GAPS

/**
 * ava's `test`; under the libkqueue build, `test.skip` with "libkqueue gap N" and the gap
 * appended to the title.
 */
export function testUnlessLibkqueueGap(gap: LibkqueueGap): typeof test {
  if (!onLibkqueue) return test
  const named = (title: string) => `${title} [libkqueue gap ${gap}: ${LIBKQUEUE_GAPS[gap]}]`
  type Declare = (title: string, ...rest: unknown[]) => void
  const skip = Object.assign((title: string, ...rest: unknown[]) => (test.skip as Declare)(named(title), ...rest), {
    serial: (title: string, ...rest: unknown[]) => (test.serial.skip as Declare)(named(title), ...rest),
  })
  return skip as unknown as typeof test
}

/**
 * `testUnlessLibkqueueGap(gap)` in the shape of platform.ts's declarers, so that either can be
 * picked by platform: `onLibkqueue ? libkqueueGap(5) : wineOnlySkip(reason)`.
 */
export function libkqueueGap(
  gap: LibkqueueGap,
  { serial = false } = {},
): (title: string, implementation: Implementation<[]>) => void {
  const declare = testUnlessLibkqueueGap(gap)
  return (title, implementation) => (serial ? declare.serial(title, implementation) : declare(title, implementation))
}
