// The keyspace of one shard: key → value, and key → expiry time for the keys that have one
// (Redis's `dict` and `expires`). Keys are latin1 strings (one char per byte: binary-safe);
// values latin1 strings, or Buffers past BIG_VALUE bytes (V8 caps a string near 512 MiB, and
// a large value is copied once either way).
//
// Expiry as Redis does it: lazily — a key read after its time is deleted then and reported
// missing — and by an active sweep that the owner's Timer drives (`sweep`), so that keys
// nobody reads again do not stay forever. Times are wall-clock milliseconds (Date.now), as
// Redis keeps them.

import type { Value } from './reply.ts'

/** Values longer than this are kept as Buffers rather than strings. */
export const BIG_VALUE = 64 * 1024

/** Keys the sweep looks at per round; it goes on while a quarter of them had expired. */
const SWEEP_BATCH = 200

export class Store {
  readonly data = new Map<string, Value>()
  readonly expires = new Map<string, number>()
  /** Called when the first key with an expiry appears (to arm the sweep's Timer). */
  onExpiring: () => void = () => {}
  private sweepCursor: Iterator<[string, number]> | null = null

  get size(): number {
    return this.data.size
  }

  /** The live value of `key`, or undefined (an expired key is deleted now). */
  get(key: string): Value | undefined {
    const v = this.data.get(key)
    if (v === undefined || this.expires.size === 0) return v
    const at = this.expires.get(key)
    if (at !== undefined && at <= Date.now()) {
      this.data.delete(key)
      this.expires.delete(key)
      return undefined
    }
    return v
  }

  has(key: string): boolean {
    return this.get(key) !== undefined
  }

  /** Sets `key` and clears its expiry (what SET does without KEEPTTL). */
  set(key: string, value: Value): void {
    this.data.set(key, value)
    if (this.expires.size !== 0) this.expires.delete(key)
  }

  /** Sets `key`, keeping its expiry (INCR, APPEND, SET … KEEPTTL). */
  replace(key: string, value: Value): void {
    this.data.set(key, value)
  }

  /** Sets `key` to expire at `at` (ms since the epoch). The key must exist. */
  expireAt(key: string, at: number): void {
    if (this.expires.size === 0) this.onExpiring()
    this.expires.set(key, at)
  }

  /** The expiry time of a live key, or -1 if it has none. */
  expiryOf(key: string): number {
    return this.expires.size === 0 ? -1 : (this.expires.get(key) ?? -1)
  }

  /** Removes the expiry of `key`; whether it had one. */
  persist(key: string): boolean {
    return this.expires.size !== 0 && this.expires.delete(key)
  }

  /** Deletes a live key; whether there was one. */
  delete(key: string): boolean {
    if (this.get(key) === undefined) return false
    this.data.delete(key)
    if (this.expires.size !== 0) this.expires.delete(key)
    return true
  }

  flush(): void {
    this.data.clear()
    this.expires.clear()
    this.sweepCursor = null
  }

  /**
   * The active part of expiry: looks at keys with an expiry in rounds of SWEEP_BATCH, deleting
   * those whose time has come, for at most `budgetMs`; another round only while a quarter of the
   * last one had expired (Redis's rule). The cursor goes on from where the last call stopped, so
   * successive calls visit every key. Returns how many keys it deleted.
   */
  sweep(budgetMs: number): number {
    const started = Date.now()
    let deleted = 0
    for (;;) {
      let seen = 0
      let expired = 0
      const now = Date.now()
      while (seen < SWEEP_BATCH && this.expires.size > 0) {
        this.sweepCursor ??= this.expires.entries()
        const next = this.sweepCursor.next()
        if (next.done) {
          this.sweepCursor = null // the end of a pass: the next round starts over
          break
        }
        seen++
        const [key, at] = next.value
        if (at <= now) {
          this.data.delete(key)
          this.expires.delete(key)
          expired++
        }
      }
      deleted += expired
      if (seen === 0 || expired * 4 < seen || Date.now() - started >= budgetMs) return deleted
    }
  }
}
