// Node-style errors for bad arguments. OS failures, ERR_CLOSED and ERR_INVALID_HANDLE are made
// once, natively (src/errors.rs); these cover what JavaScript checks before calling in.

/**
 * The error codes wakepoll itself defines, beside the errno names of system errors.
 * `ERR_WAKEPOLL_NATIVE_MODULE`: no native module loads for this platform (binding-loader.cjs),
 * thrown by `import`/`require('wakepoll')` itself.
 */
export type WakepollErrorCode = 'ERR_CLOSED' | 'ERR_INVALID_HANDLE' | 'ERR_WAKEPOLL_NATIVE_MODULE'

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name
    return name ? `an instance of ${name}` : `${typeof value}`
  }
  let shown = String(value)
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`
  if (typeof value === 'string') shown = `'${shown}'`
  return `type ${typeof value} (${shown})`
}

function withCode<E extends Error>(err: E, code: string): E & { code: string } {
  Object.defineProperty(err, 'code', { value: code, enumerable: true, writable: true, configurable: true })
  return err as E & { code: string }
}

/** `TypeError` with `code: 'ERR_INVALID_ARG_TYPE'`, worded like Node's own. */
export function invalidArgType(name: string, expected: string, actual: unknown): TypeError {
  return withCode(
    new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`),
    'ERR_INVALID_ARG_TYPE',
  )
}

/** `RangeError` with `code: 'ERR_OUT_OF_RANGE'`, worded like Node's own. */
export function outOfRange(name: string, range: string, actual: unknown): RangeError {
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(actual)}`),
    'ERR_OUT_OF_RANGE',
  )
}

/** Node's AbortError: `name 'AbortError'`, `code 'ABORT_ERR'`, `cause` the signal's reason. */
export function abortError(signal: AbortSignal): Error {
  const err = new Error('The operation was aborted', { cause: signal.reason })
  err.name = 'AbortError'
  return withCode(err, 'ABORT_ERR')
}

/** `ERR_CLOSED` for a resource closed while a JavaScript-side wait was pending. */
export function closedError(what: string): Error {
  return withCode(new Error(`${what} is closed`), 'ERR_CLOSED')
}

/** `TypeError` with `code: 'ERR_INVALID_ARG_VALUE'`, worded like Node's own. */
export function invalidArgValue(name: string, value: unknown, reason: string): TypeError {
  return withCode(
    new TypeError(`The argument '${name}' ${reason}. Received ${describe(value)}`),
    'ERR_INVALID_ARG_VALUE',
  )
}
