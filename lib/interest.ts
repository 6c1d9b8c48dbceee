/**
 * Readiness a registration asks for: numeric bit flags, combined with `|`.
 *
 * `PRIORITY` is Linux/Android only; `AIO` and `LIO` are FreeBSD only. A flag the platform
 * cannot watch is refused at registration with a system error of code `ENOTSUP`.
 */
export const Interest = Object.freeze({
  READABLE: 0b0_0001,
  WRITABLE: 0b0_0010,
  AIO: 0b0_0100,
  LIO: 0b0_1000,
  PRIORITY: 0b1_0000,
} as const)

/** A combination of `Interest` flags. */
export type Interest = number
