//! `Registration`: which selector one of wakepoll's own sources is registered with.
//!
//! wakepoll's own sources (a `sync::Event`, sockets, pipe ends) belong to one selector at a time —
//! one `Poll`, or one `WaitContext` — unlike a raw fd, which the OS lets several selectors
//! watch. Each such source keeps one `Registration` and routes its `Source` methods through
//! it; the closures do the backend's work (`sys::X::register(selector, …)`), the record does
//! the bookkeeping and the errors:
//!
//! | call         | not registered       | registered here | registered elsewhere  |
//! |--------------|----------------------|-----------------|-----------------------|
//! | `register`   | runs `add`, records  | `EEXIST`        | `EEXIST`              |
//! | `reregister` | `ENOENT`             | runs `modify`   | `EEXIST`              |
//! | `deregister` | `ENOENT`             | runs `remove`   | `EEXIST`              |
//!
//! Invariants:
//! * the record changes only when the closure succeeded, under a lock held across the closure:
//!   two threads can never register one source with two selectors;
//! * it holds the selector weakly: a source never keeps a closed `Poll`'s epoll fd open, and a
//!   source whose selector is gone counts as not registered (while the `Weak` lives, the
//!   selector's allocation is not reused, so "here" can never be mistaken);
//! * the owner calls [`clear`](Registration::clear) in its `Drop`, before its handle closes,
//!   so that a selector never reports a token for a source that no longer exists (with `dup`ed
//!   fds, closing one fd does not end its epoll registration).

use std::io;
use std::sync::{Arc, Mutex, Weak};

use crate::{error, sys};

/// The registration record of one of wakepoll's own sources.
#[derive(Debug, Default)]
pub(crate) struct Registration {
    selector: Mutex<Weak<sys::Selector>>,
}

/// What the record knows about a selector.
enum Where {
    Nowhere,
    Here,
    Elsewhere,
}

impl Registration {
    /// Registered nowhere.
    pub(crate) fn new() -> Registration {
        Registration::default()
    }

    /// Registers with `selector` by running `add`, if the source is registered nowhere.
    pub(crate) fn register(
        &self,
        selector: &Arc<sys::Selector>,
        add: impl FnOnce(&sys::Selector) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut current = self.lock();
        match locate(&current, selector) {
            Where::Nowhere => {
                add(selector)?;
                *current = Arc::downgrade(selector);
                Ok(())
            }
            Where::Here => Err(refuse(sys::EEXIST, "already registered")),
            Where::Elsewhere => Err(refuse(
                sys::EEXIST,
                "already registered with another Poll or WaitContext",
            )),
        }
    }

    /// Changes the registration with `selector` by running `modify`.
    pub(crate) fn reregister(
        &self,
        selector: &Arc<sys::Selector>,
        modify: impl FnOnce(&sys::Selector) -> io::Result<()>,
    ) -> io::Result<()> {
        let current = self.lock();
        match locate(&current, selector) {
            Where::Here => modify(selector),
            Where::Nowhere => Err(refuse(sys::ENOENT, "not registered")),
            Where::Elsewhere => Err(registered_elsewhere()),
        }
    }

    /// Ends the registration with `selector` by running `remove`.
    pub(crate) fn deregister(
        &self,
        selector: &Arc<sys::Selector>,
        remove: impl FnOnce(&sys::Selector) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut current = self.lock();
        match locate(&current, selector) {
            Where::Here => {
                remove(selector)?;
                *current = Weak::new();
                Ok(())
            }
            Where::Nowhere => Err(refuse(sys::ENOENT, "not registered")),
            Where::Elsewhere => Err(registered_elsewhere()),
        }
    }

    /// Runs `f` with the selector the source is registered with, if any (re-arming an emulated
    /// edge after `WouldBlock`); a source registered nowhere has nothing to re-arm: `Ok`.
    pub(crate) fn with_current(
        &self,
        f: impl FnOnce(&sys::Selector) -> io::Result<()>,
    ) -> io::Result<()> {
        let current = self.lock();
        match current.upgrade() {
            Some(selector) => f(&selector),
            None => Ok(()),
        }
    }

    /// Ends the registration with whichever selector still has one, by running `remove`; for
    /// the owner's `Drop`. Errors are ignored: the source is going away.
    pub(crate) fn clear(&self, remove: impl FnOnce(&sys::Selector) -> io::Result<()>) {
        let mut current = self.lock();
        if let Some(selector) = current.upgrade() {
            let _ = remove(&selector);
        }
        *current = Weak::new();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Weak<sys::Selector>> {
        // The closures run system calls only; a poisoned lock still holds a valid record.
        self.selector.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn locate(current: &Weak<sys::Selector>, selector: &Arc<sys::Selector>) -> Where {
    if current.strong_count() == 0 {
        Where::Nowhere
    } else if std::ptr::eq(current.as_ptr(), Arc::as_ptr(selector)) {
        Where::Here
    } else {
        Where::Elsewhere
    }
}

fn registered_elsewhere() -> io::Error {
    refuse(sys::EEXIST, "registered with another Poll or WaitContext")
}

fn refuse(errno: i32, message: &'static str) -> io::Error {
    error::with_message(sys::SELECTOR_CTL, errno, message)
}
