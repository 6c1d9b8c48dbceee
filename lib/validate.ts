// Argument checks, done in JavaScript before a native call, as Node's own lib/ does: the
// native side trusts the shapes it receives and checks only what touches the OS.

import { invalidArgType, outOfRange } from './errors.js'
import { Interest } from './interest.js'

const ALL_INTERESTS = Interest.READABLE | Interest.WRITABLE | Interest.AIO | Interest.LIO | Interest.PRIORITY

export function validateInteger(value: unknown, name: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value)
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value)
}

/** A token: any integer 0 … 2^53−1; every one of them belongs to the user. */
export function validateToken(token: unknown): asserts token is number {
  validateInteger(token, 'token', 0, Number.MAX_SAFE_INTEGER)
}

/** A file descriptor: a non-negative 32-bit integer. */
export function validateFd(fd: unknown): asserts fd is number {
  validateInteger(fd, 'fd', 0, 0x7fff_ffff)
}

/** A non-empty combination of the `Interest` flags. */
export function validateInterest(interest: unknown): asserts interest is number {
  if (typeof interest !== 'number') throw invalidArgType('interest', 'of type number', interest)
  if (!Number.isInteger(interest) || interest <= 0 || interest > ALL_INTERESTS || (interest & ~ALL_INTERESTS) !== 0) {
    throw outOfRange('interest', 'a non-empty combination of Interest flags', interest)
  }
}

/**
 * A timeout in milliseconds: `null`/`undefined`/`Infinity` wait forever; otherwise a finite
 * number ≥ 0 (fractions allowed; they round up natively, never down).
 */
export function validateTimeout(timeout: unknown): number | null {
  if (timeout === undefined || timeout === null || timeout === Infinity) return null
  if (typeof timeout !== 'number') throw invalidArgType('timeout', 'of type number, null or undefined', timeout)
  if (Number.isNaN(timeout) || timeout < 0) throw outOfRange('timeout', '>= 0 (or null to wait forever)', timeout)
  return timeout
}

/** A handle: the opaque string that a `handle` getter returned. */
export function validateHandle(handle: unknown): asserts handle is string {
  if (typeof handle !== 'string') throw invalidArgType('handle', 'of type string', handle)
}

/** `{ signal }` options: an object (or undefined) whose `signal`, if present, is an AbortSignal. */
export function validateSignalOptions(options: unknown): AbortSignal | undefined {
  if (options === undefined || options === null) return undefined
  if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  const { signal } = options as { signal?: unknown }
  if (signal === undefined) return undefined
  if (!(signal instanceof AbortSignal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', signal)
  return signal
}
