//! The process-wide table of Wakers, below both the Poll (which ends its Wakers when it
//! closes) and the Waker functions (waker.rs, which make them for a Poll): a module of its
//! own, so that poll.rs and waker.rs need not import each other.

use crate::slots::Slab;

/// Every open Waker of the process, by key (slots.rs).
pub(crate) static WAKERS: Slab<wakepoll::Waker> = Slab::new();

/// Ends the Waker of `key` for every holder: deregisters and closes its fd. Idempotent.
pub(crate) fn close_key(key: u64) {
    drop(WAKERS.remove(key));
}
