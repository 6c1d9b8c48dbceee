// Shared assertions: the error shapes of the contract (section 8) and reading a poll's result.

import os from 'node:os'
import util from 'node:util'

import type { ExecutionContext, ThrowsExpectation } from 'ava'

import { Poll, type Events } from '../../index.ts'
import { SELECTOR_CTL } from './fds.js'

/** TypeError with Node's `ERR_INVALID_ARG_TYPE`. */
export const invalidArgType: ThrowsExpectation<TypeError> = { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' }

/** RangeError with Node's `ERR_OUT_OF_RANGE`. */
export const outOfRange: ThrowsExpectation<RangeError> = { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' }

/** Use of a closed Poll, Registry or Waker. */
export const closed: ThrowsExpectation<Error> = { instanceOf: Error, code: 'ERR_CLOSED' }

/** A handle this process never issued for that type. */
export const invalidHandle: ThrowsExpectation<Error> = { instanceOf: Error, code: 'ERR_INVALID_HANDLE' }

/** The expectation for a bad argument of either kind. */
export function badArgument(kind: 'type' | 'range'): ThrowsExpectation<Error> {
  return kind === 'type' ? invalidArgType : outOfRange
}

export interface SystemError extends Error {
  code: string
  errno: number
  syscall: string
}

/**
 * Asserts that `action` throws a Node-style system error: a plain `Error` whose `code` is the
 * errno name, `errno` the negative errno number (as libuv reports it), `syscall` the call that
 * failed, and whose message contains `message` when given.
 */
export function throwsSystemError(
  t: ExecutionContext,
  action: () => unknown,
  code: string,
  { syscall = SELECTOR_CTL, message }: { syscall?: string; message?: string } = {},
): SystemError | undefined {
  const err = t.throws(action, { instanceOf: Error, code }) as SystemError | undefined
  if (err === undefined) return undefined
  t.is(err.name, 'Error', `a system error is a plain Error, got ${err.name}`)
  const errno = (os.constants.errno as Record<string, number>)[code]
  t.is(err.errno, errno === undefined ? err.errno : -errno, 'errno is the negative errno number')
  t.true(err.errno < 0, 'errno is negative')
  t.is(util.getSystemErrorName(err.errno), code, 'code and errno agree')
  t.is(err.syscall, syscall)
  if (message !== undefined) t.true(err.message.includes(message), `message ${JSON.stringify(err.message)}`)
  return err
}

/** Polls once and returns the tokens reported, in order. */
export function pollTokens(poll: Poll, events: Events, timeout: number | null | undefined): number[] {
  const n = poll.poll(events, timeout)
  const tokens: number[] = []
  for (let i = 0; i < n; i++) tokens.push(events.token(i))
  return tokens
}

/** Lets a deliberately wrong value through the type checker. */
export function unchecked<T>(value: unknown): T {
  return value as T
}

/** A new Poll, closed when the test ends. */
export function newPoll(t: ExecutionContext): Poll {
  const poll = new Poll()
  t.teardown(() => poll.close())
  return poll
}
