// How objects dropped without close() are still freed by garbage collection, at no cost to
// those that are closed — also in a thread that never returns to its event loop.
//
// Poll, sockets, pipe ends and WaitContext hold a key of a native table (src/slots.rs) whose
// slot close() frees. One that is collected without close() must free its slot too, which
// takes a FinalizationRegistry. But a registration is not free in a loop that never yields:
// measured on Node 20, 1M register + unregister pairs grow V8's young generation by 24 MiB
// and RSS by 14-33 MiB (with the target itself as unregister token, ~14 bytes each stay until
// the event loop turns). So objects are registered late: each new object waits in a short
// list (a strong reference), and the list is handed to the FinalizationRegistry — only its
// objects still open — at the end of the current job (a microtask) or once it holds
// `BATCH` objects, whichever comes first. An object closed before then (every socket of an
// accept loop, every Poll of a create/close loop) never costs a registration; one dropped
// without close() is collected one batch or one job later than it would otherwise be.

import type { Key } from './native.js'

const BATCH = 256

/**
 * What an object tracked here holds: its native key while open (`undefined` once closed or
 * moved away), and whether it was handed to the FinalizationRegistry. The cell is also the
 * unregister token: an object of its own, never the tracked object itself.
 */
export interface Cell {
  key: Key | undefined
  registered: boolean
}

export class Unclosed {
  readonly #registry: FinalizationRegistry<Key>
  readonly #pending: { target: object; cell: Cell }[] = []
  #scheduled = false

  constructor(release: (key: Key) => void) {
    this.#registry = new FinalizationRegistry(release)
  }

  /** Tracks `target`, a new object holding `key`: collected while open, it releases the key. */
  track(target: object, key: Key): Cell {
    const cell: Cell = { key, registered: false }
    this.#pending.push({ target, cell })
    if (this.#pending.length >= BATCH) this.#flush()
    else if (!this.#scheduled) {
      this.#scheduled = true
      queueMicrotask(() => {
        this.#scheduled = false
        this.#flush()
      })
    }
    return cell
  }

  /** Takes the key out of `cell` (close, or a move to another worker); `undefined` if gone. */
  untrack(cell: Cell): Key | undefined {
    const key = cell.key
    cell.key = undefined
    if (cell.registered) {
      cell.registered = false
      this.#registry.unregister(cell)
    }
    return key
  }

  #flush(): void {
    for (const { target, cell } of this.#pending) {
      if (cell.key === undefined) continue
      this.#registry.register(target, cell.key, cell)
      cell.registered = true
    }
    this.#pending.length = 0
  }
}
