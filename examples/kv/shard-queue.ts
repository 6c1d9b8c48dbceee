// The queue between two workers: a single-producer single-consumer byte ring in a
// SharedArrayBuffer, one per ordered pair of workers (i → j). It is a byte stream, like a pipe:
// the producer writes what fits and keeps the rest for later; the consumer reads what is there.
// Messages on it are frames (see shard-frames.ts), which may be larger than the ring.
//
// Nothing here blocks or wakes: after writing, the producer wakes the consumer's Poll through
// the consumer's Waker; a producer that found the ring full sets WAITING and is woken by the
// consumer once it has made room (worker.ts). The head and tail are byte counts modulo 2^32
// published with Atomics (sequentially consistent: the bytes written before a head store are
// seen by whoever loads that head).

const HEAD = 0 // bytes ever written (mod 2^32), stored by the producer
const TAIL = 1 // bytes ever read (mod 2^32), stored by the consumer
const WAITING = 2 // 1 while the producer waits for room
const HEADER_BYTES = 16

export class Ring {
  private readonly header: Int32Array
  private readonly data: Uint8Array
  private readonly mask: number

  /** A SharedArrayBuffer for a ring of `capacity` bytes (a power of two). */
  static allocate(capacity: number): SharedArrayBuffer {
    if (capacity & (capacity - 1) || capacity < 16) throw new RangeError('ring capacity must be a power of two ≥ 16')
    return new SharedArrayBuffer(HEADER_BYTES + capacity)
  }

  constructor(sab: SharedArrayBuffer) {
    this.header = new Int32Array(sab, 0, HEADER_BYTES / 4)
    this.data = new Uint8Array(sab, HEADER_BYTES)
    this.mask = this.data.length - 1
  }

  get capacity(): number {
    return this.data.length
  }

  /** Producer: copies as much of src[s, e) as fits; returns the byte count. */
  write(src: Uint8Array, s: number, e: number): number {
    const head = Atomics.load(this.header, HEAD) >>> 0
    const tail = Atomics.load(this.header, TAIL) >>> 0
    const room = this.data.length - ((head - tail) >>> 0)
    const n = Math.min(room, e - s)
    if (n === 0) return 0
    const at = head & this.mask
    const first = Math.min(n, this.data.length - at)
    this.data.set(src.subarray(s, s + first), at)
    if (first < n) this.data.set(src.subarray(s + first, s + n), 0)
    Atomics.store(this.header, HEAD, (head + n) | 0)
    return n
  }

  /** Consumer: copies up to `max` bytes into dst at `off`; returns the byte count. */
  read(dst: Uint8Array, off: number, max: number): number {
    const head = Atomics.load(this.header, HEAD) >>> 0
    const tail = Atomics.load(this.header, TAIL) >>> 0
    const n = Math.min((head - tail) >>> 0, max)
    if (n === 0) return 0
    const at = tail & this.mask
    const first = Math.min(n, this.data.length - at)
    dst.set(this.data.subarray(at, at + first), off)
    if (first < n) dst.set(this.data.subarray(0, n - first), off + first)
    Atomics.store(this.header, TAIL, (tail + n) | 0)
    return n
  }

  /** Bytes waiting to be read. */
  available(): number {
    return ((Atomics.load(this.header, HEAD) >>> 0) - (Atomics.load(this.header, TAIL) >>> 0)) >>> 0
  }

  /** Producer: says it waits for room (then tries again, so that a read in between is not missed). */
  setWaiting(): void {
    Atomics.store(this.header, WAITING, 1)
  }

  /** Consumer: whether the producer waited for room, clearing the flag. */
  takeWaiting(): boolean {
    return Atomics.load(this.header, WAITING) === 1 && Atomics.exchange(this.header, WAITING, 0) === 1
  }
}
