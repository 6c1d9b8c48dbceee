//! `Waker`: wakes a [`Poll`](crate::Poll) from any thread.

use std::io;

use crate::{sys, Registry, Token};

/// Wakes a [`Poll`](crate::Poll) from another thread: the `Poll` reports a readable event with
/// the Waker's token.
///
/// Unlike mio, a `Poll` may have **several** Wakers, each with its own token. Wakes before a
/// `poll` are not lost and coalesce into one event; after that event is collected the next
/// wake produces a new one. A wake still pending when the `Waker` is dropped may be lost, as in
/// mio: share it (for example in an `Arc`) for as long as other threads may call `wake`.
#[derive(Debug)]
pub struct Waker {
    inner: sys::Waker,
}

impl Waker {
    /// Creates a Waker that makes `registry`'s `Poll` report `token` as readable.
    pub fn new(registry: &Registry, token: Token) -> io::Result<Waker> {
        sys::Waker::new(registry.selector(), token).map(|inner| Waker { inner })
    }

    /// Wakes the `Poll`. Never blocks.
    #[inline]
    pub fn wake(&self) -> io::Result<()> {
        self.inner.wake()
    }
}
