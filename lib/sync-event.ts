// SyncEvent: crosvm's Event — any number of signallers, one waiter at a time, across workers.

import { native, type Key } from './native.js'
import { abortError, invalidArgType } from './errors.js'
import { Events } from './events.js'
import { Interest } from './interest.js'
import { Poll, type PollAsyncOptions } from './poll.js'
import { kSource, type SourceOps, type WakepollSource } from './source.js'
import { exitStoppingThread, STOPPING } from './thread-stop.js'
import { validateHandle, validateInteger, validateSignalOptions, validateTimeout } from './validate.js'

// Symbol-keyed, not #private: objects from fromHandle()/tryClone() are made without the
// constructor, and private fields cannot be added to them.
const kKey = Symbol('wakepoll.key')
const kHidden = Symbol('wakepoll.hidden')

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
  // A key of the native table (src/slots.rs), shared by every object of this event in every
  // worker (a tryClone() is another event: another key); an object holds nothing native. It
  // lives until close(), as before: garbage collection never ended a SyncEvent.
  /** @internal */
  readonly [kKey]: Key
  /** @internal */
  [kHidden]: Hidden | undefined

  /** A new event, not signalled. */
  constructor() {
    this[kKey] = native.syncEventNew()
    this[kHidden] = undefined
  }

  /** A live SyncEvent for the same native event as `handle`, in any worker of this process. */
  static fromHandle(handle: SyncEventHandle): SyncEvent {
    validateHandle(handle)
    return wrap(native.syncEventFromHandle(handle))
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
   * `EBADF`, an fd that is not an event's `EINVAL`. On Linux it is an eventfd; on macOS and
   * FreeBSD an unlinked FIFO opened read-write (any other fd, a one-way FIFO or pipe end
   * included, is `EINVAL`). On Windows the same call takes an event object's handle value (one
   * the child inherited or that was duplicated into it): pass the parent's `event.fd` in the
   * child's argv or env and call `SyncEvent.fromFd(Number(process.argv[2]))` there. A Poll or
   * WaitContext on Windows sees another process's signal once its own process has consumed the
   * previous one (a thread-pool wait renewed by `wait`/`reset`): let the process that polls an
   * event consume it, one event per direction.
   */
  static fromFd(fd: number): SyncEvent {
    validateInteger(fd, 'fd', 0, Number.MAX_SAFE_INTEGER)
    return wrap(native.syncEventFromFd(fd))
  }

  /**
   * The descriptor that names this event to another process (see `SyncEvent.fromFd`): the
   * eventfd on Linux, an unlinked FIFO on macOS and FreeBSD, a handle value on Windows. Each
   * `tryClone()` has its own. It stays this event's: the child gets its own copy (spawn's
   * `stdio` duplicates it). On Windows reading it makes the handle inheritable: every child
   * `spawn` starts afterwards has it at this value (pass the number in argv or env; spawn's
   * `stdio` takes CRT fds there), so read it just before the `spawn` it is for.
   */
  get fd(): number {
    return native.syncEventDescriptor(this[kKey])
  }

  /** Plain data (a string) naming this event; it survives `postMessage` and `workerData`. */
  get handle(): SyncEventHandle {
    return native.syncEventHandle(this[kKey]) as SyncEventHandle
  }

  /** Whether it has been closed (in any worker). */
  get closed(): boolean {
    return native.syncEventClosed(this[kKey])
  }

  /** Signals the event. Never blocks; from any thread, any number of times. */
  signal(): void {
    native.syncEventSignal(this[kKey])
  }

  /** Clears the signal without blocking; nothing happens if it is not signalled. */
  reset(): void {
    native.syncEventReset(this[kKey])
  }

  /** Another event for the same signal (a source of its own; the same one-waiter rule). */
  tryClone(): SyncEvent {
    return wrap(native.syncEventTryClone(this[kKey]))
  }

  /** Blocks until the event is signalled, then clears it. `worker.terminate()` still ends it. */
  wait(): void {
    if (native.syncEventWait(this[kKey], null) === STOPPING) exitStoppingThread()
  }

  /**
   * Like `wait`, giving up after `timeout` ms; never returns `'timeout'` early (fractions round
   * up).
   */
  waitTimeout(timeout: number): SyncEventWaitResult {
    const ms = validateTimeout(timeout)
    const signalled = native.syncEventWait(this[kKey], ms)
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
    const key = this[kKey]
    native.syncEventBeginWait(key)
    try {
      if (native.syncEventTryConsume(key)) return 'signaled'
      if (ms === 0) return 'timeout'
      const hidden = (this[kHidden] ??= makeHidden(key))
      const deadline = ms === null ? null : performance.now() + ms
      for (;;) {
        const left = deadline === null ? null : Math.max(0, deadline - performance.now())
        await hidden.poll.pollAsync(hidden.events, left, signal ? { signal } : undefined)
        if (native.syncEventTryConsume(key)) return 'signaled'
        if (deadline !== null && performance.now() >= deadline) return 'timeout'
      }
    } finally {
      native.syncEventEndWait(key)
    }
  }

  /** Ends it for every worker; a thread waiting on it wakes with `ERR_CLOSED`. Idempotent. */
  close(): void {
    native.syncEventClose(this[kKey])
    this[kHidden]?.poll.close()
    this[kHidden]?.clone.close()
  }

  /** The same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close()
  }

  /** @internal */
  get [kSource](): SourceOps {
    if (!isSyncEvent(this)) throw invalidArgType('source', 'a SyncEvent made by wakepoll', this)
    const key = this[kKey]
    return {
      register: (poll, token, interest) => native.registrySyncEvent(poll, 0, key, token, interest),
      reregister: (poll, token, interest) => native.registrySyncEvent(poll, 1, key, token, interest),
      deregister: (poll) => native.registrySyncEvent(poll, 2, key, 0, 0),
    }
  }
}

function wrap(key: Key): SyncEvent {
  const event = Object.create(SyncEvent.prototype) as SyncEvent
  return Object.assign(event, { [kKey]: key, [kHidden]: undefined })
}

/** What `waitAsync` watches the event with: a Poll of the object's own and a clone in it. */
interface Hidden {
  poll: Poll
  events: Events
  clone: SyncEvent
}

/**
 * A Poll of the object's own with a clone of the event registered in it, for `waitAsync`: a
 * clone is a source of its own (the event's own registration stays free for the user), and a
 * registered event is what every platform can watch (Windows' event objects have no fd).
 */
function makeHidden(key: Key): Hidden {
  const poll = new Poll()
  const clone = wrap(native.syncEventHiddenClone(key))
  try {
    poll.registry.register(clone, 0, Interest.READABLE)
  } catch (err) {
    poll.close()
    clone.close()
    throw err
  }
  return { poll, events: new Events(1), clone }
}

/** The opaque string of `syncEvent.handle`. */
export type SyncEventHandle = string & { readonly __wakepoll: 'SyncEvent' }

/** A real SyncEvent (not merely an object with SyncEvent.prototype). */
export function isSyncEvent(value: unknown): value is SyncEvent {
  return value instanceof SyncEvent && typeof value[kKey] === 'number'
}
