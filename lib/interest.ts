/**
 * Readiness a registration asks for: numeric bit flags, combined with `|`.
 *
 * `PRIORITY` is Linux/Android only; `AIO` and `LIO` are FreeBSD only. A flag the platform
 * cannot watch is refused at registration with a system error of code `ENOTSUP`.
 */
export const Interest = Object.freeze({
  /** Readable: data, a connection, a signal. */
  READABLE: 0b0_0001,
  /** Writable: room to write, or a connect that finished. */
  WRITABLE: 0b0_0010,
  /** POSIX AIO completions (FreeBSD only). */
  AIO: 0b0_0100,
  /** `lio_listio` completions (FreeBSD only). */
  LIO: 0b0_1000,
  /** Priority (out-of-band) data (Linux and Android only). */
  PRIORITY: 0b1_0000,
} as const)

/** A combination of `Interest` flags. */
export type Interest = number
