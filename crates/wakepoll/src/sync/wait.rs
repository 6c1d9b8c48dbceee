//! What every blocking wait of `Event` and `Timer` shares: the one-waiter guard and the retry
//! loop around the backend's `wait_once`.
//!
//! Invariants:
//! * the guard is set before the OS is touched and cleared on every way out (its `Drop`), so
//!   a second concurrent waiter gets `EBUSY` at once instead of racing the first;
//! * the loop retries `EINTR` with the time that remains, and gives up only once the
//!   deadline has passed (the backend rounds its own timeouts up): a wait is never shorter
//!   than asked.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error;

/// The one-waiter guard, held for the length of a wait.
pub(crate) struct Waiting<'a>(&'a AtomicBool);

impl<'a> Waiting<'a> {
    /// Takes `waiter`, or fails with `EBUSY` and `message` if another thread holds it.
    pub(crate) fn enter(waiter: &'a AtomicBool, message: &'static str) -> io::Result<Waiting<'a>> {
        if waiter.swap(true, Ordering::Acquire) {
            return Err(error::busy("wait", message));
        }
        Ok(Waiting(waiter))
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Calls `wait_once` with the time that remains until it consumes something (anything but
/// `T::default()`: `true`, a count), retrying `EINTR`; `T::default()` once `deadline` has
/// passed (`None`: never).
pub(crate) fn retry_until<T: Default + PartialEq>(
    deadline: Option<Instant>,
    mut wait_once: impl FnMut(Option<Duration>) -> io::Result<T>,
) -> io::Result<T> {
    loop {
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        match wait_once(remaining) {
            Ok(taken) if taken != T::default() => return Ok(taken),
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(T::default());
        }
    }
}
