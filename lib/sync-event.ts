// SyncEvent: crosvm's Event — any number of signallers, one waiter at a time, across workers.

import { native, type NativeExternal, type NativeSyncEvent } from './native.js'
import { abortError, invalidArgType } from './errors.js'
import { Events } from './events.js'
import { Interest } from './interest.js'
import { Poll, type PollAsyncOptions } from './poll.js'
import { kSource, type SourceOps, type WakepollSource } from './source.js'
import { exitStoppingThread, STOPPING } from './thread-stop.js'
import { validateHandle, validateInteger, validateSignalOptions, validateTimeout } from './validate.js'

const kNative = Symbol('wakepoll.native')
// Symbol-keyed, not #private: objects from fromHandle()/tryClone() are made without the
// constructor, and private fields cannot be added to them.
const kHidden = Symbol('wakepoll.hidden')
const kExternal = Symbol('wakepoll.external')

/** How a timed wait ended. */
export type SyncEventWaitResult = 'signaled' | 'timeout'

/**
 * An event that any thread or worker signals and one thread at a time waits for (crosvm's
 * `Event`; named `SyncEvent` because Node has a global `Event`).
 *
 * `wait()` blocks until the event is signalled, then clears it; several signals before one
 * wait count as one. A second thread waiting at the same time — on this object, another object
 * from the same handle, or a `tryClone()` — fails with `EBUSY`. A SyncEvent is also a source:
 * `poll.registry.register(event, token, Interest.READABLE)` reports it readable when it is
 * signalled (the Poll does not clear it; `wait`/`reset` do).
 */
export class SyncEvent implements WakepollSource, Disposable {
  readonly [kNative]: NativeSyncEvent
  [kHidden]: { poll: Poll; events: Events } | undefined
  [kExternal]: NativeExternal | undefined

  constructor() {
    this[kNative] = new native.NativeSyncEvent()
  }

  /** A live SyncEvent for the same native event as `handle`, in any worker of this process. */
  static fromHandle(handle: SyncEventHandle): SyncEvent {
    validateHandle(handle)
    return wrap(native.NativeSyncEvent.fromHandle(handle))
  }

  /**
   * Adopts the descriptor of a SyncEvent made in another process (crosvm's Event is
   * inter-process): pass the parent's `event.fd` down — in `child_process.spawn`'s `stdio`
   * array (the child sees it as that index: `stdio: ['inherit', 'inherit', 'inherit', event.fd]`
   * gives fd 3), or over a Unix socket — and call `SyncEvent.fromFd(3)` in the child. A signal
   * in either process is then seen by `wait`, `waitAsync`, a Poll or a WaitContext in the other.
   *
   * The descriptor becomes the event's: `close()` closes it, so do not use or close it
   * otherwise. It is checked first and left alone when the check fails: a closed fd is
   * `EBADF`, an fd that is not an event's `EINVAL`. On Linux it is an eventfd. On Windows the
   * same call takes an event object's handle value (one the child inherited or that was
   * duplicated into it); a Poll or WaitContext there sees only the signals of its own
   * process. On macOS and FreeBSD a SyncEvent is a pipe pair with state kept in its process,
   * and cannot cross: `ENOTSUP`.
   */
  static fromFd(fd: number): SyncEvent {
    validateInteger(fd, 'fd', 0, Number.MAX_SAFE_INTEGER)
    return wrap(native.NativeSyncEvent.fromFd(fd))
  }

  /**
   * The descriptor that names this event to another process (see `SyncEvent.fromFd`): the
   * eventfd on Linux, a handle value on Windows. Each `tryClone()` has its own. It stays this
   * event's: the child gets its own copy (spawn's `stdio` duplicates it).
   */
  get fd(): number {
    return this[kNative].descriptor
  }

  /** Plain data (a string) naming this event; it survives `postMessage` and `workerData`. */
  get handle(): SyncEventHandle {
    return this[kNative].handle as SyncEventHandle
  }

  /** Whether it has been closed (in any worker). */
  get closed(): boolean {
    return this[kNative].closed
  }

  /** Signals the event. Never blocks; from any thread, any number of times. */
  signal(): void {
    this[kNative].signal()
  }

  /** Clears the signal without blocking; nothing happens if it is not signalled. */
  reset(): void {
    this[kNative].reset()
  }

  /** Another event for the same signal (a source of its own; the same one-waiter rule). */
  tryClone(): SyncEvent {
    return wrap(this[kNative].tryClone())
  }

  /** Blocks until the event is signalled, then clears it. `worker.terminate()` still ends it. */
  wait(): void {
    if (native.syncEventWait(external(this), null) === STOPPING) exitStoppingThread()
  }

  /**
   * Like `wait`, giving up after `timeout` ms; never returns `'timeout'` early (fractions round
   * up).
   */
  waitTimeout(timeout: number): SyncEventWaitResult {
    const ms = validateTimeout(timeout)
    const signalled = native.syncEventWait(external(this), ms)
    if (signalled === STOPPING) exitStoppingThread()
    return signalled ? 'signaled' : 'timeout'
  }

  /**
   * Waits without blocking the thread (its event loop watches the event), up to `timeout` ms
   * (`null`/`undefined`: no limit). Rejects with an `AbortError` when `options.signal` aborts.
   */
  async waitAsync(timeout?: number | null, options?: PollAsyncOptions): Promise<SyncEventWaitResult> {
    const ms = validateTimeout(timeout)
    const signal = validateSignalOptions(options)
    if (signal?.aborted) throw abortError(signal)
    const inner = this[kNative]
    inner.beginWait()
    try {
      if (inner.tryConsume()) return 'signaled'
      if (ms === 0) return 'timeout'
      const hidden = (this[kHidden] ??= makeHidden(this[kNative]))
      const deadline = ms === null ? null : performance.now() + ms
      for (;;) {
        const left = deadline === null ? null : Math.max(0, deadline - performance.now())
        await hidden.poll.pollAsync(hidden.events, left, signal ? { signal } : undefined)
        if (inner.tryConsume()) return 'signaled'
        if (deadline !== null && performance.now() >= deadline) return 'timeout'
      }
    } finally {
      inner.endWait()
    }
  }

  /** Ends it for every worker; a thread waiting on it wakes with `ERR_CLOSED`. Idempotent. */
  close(): void {
    this[kNative].close()
    this[kHidden]?.poll.close()
  }

  [Symbol.dispose](): void {
    this.close()
  }

  get [kSource](): SourceOps {
    if (!isSyncEvent(this)) throw invalidArgType('source', 'a SyncEvent made by wakepoll', this)
    const inner = this[kNative]
    return {
      register: (registry, token, interest) => registry.registerSyncEvent(inner, token, interest),
      reregister: (registry, token, interest) => registry.reregisterSyncEvent(inner, token, interest),
      deregister: (registry) => registry.deregisterSyncEvent(inner),
    }
  }
}

function wrap(inner: NativeSyncEvent): SyncEvent {
  const event = Object.create(SyncEvent.prototype) as SyncEvent
  return Object.assign(event, { [kNative]: inner, [kHidden]: undefined, [kExternal]: undefined })
}

/** The type-tagged external for the fast blocking wait (src/fast.rs), made once per object. */
function external(event: SyncEvent): NativeExternal {
  return (event[kExternal] ??= event[kNative].external() as NativeExternal)
}

/** A Poll of the object's own that watches the event's fd, for `waitAsync`. */
function makeHidden(inner: NativeSyncEvent): { poll: Poll; events: Events } {
  const poll = new Poll()
  poll.registry.register(inner.fd, 0, Interest.READABLE)
  return { poll, events: new Events(1) }
}

/** The opaque string of `syncEvent.handle`. */
export type SyncEventHandle = string & { readonly __wakepoll: 'SyncEvent' }

/** The native half, for WaitContext. */
export function nativeSyncEvent(event: SyncEvent): NativeSyncEvent {
  return event[kNative]
}

/** A real SyncEvent (not merely an object with SyncEvent.prototype). */
export function isSyncEvent(value: unknown): value is SyncEvent {
  return value instanceof SyncEvent && value[kNative] instanceof native.NativeSyncEvent
}
