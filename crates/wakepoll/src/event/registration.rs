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
//! * deregistering clears `registered` but keeps the `Weak` (only the selector's allocation,
//!   never its fd), so that a source churned on one `Poll` costs no reference-count traffic:
//!   the `Weak` is replaced only when the source moves to another selector;
//! * the owner calls [`clear`](Registration::clear) in its `Drop`, before its handle closes,
//!   so that a selector never reports a token for a source that no longer exists (with `dup`ed
//!   fds, closing one fd does not end its epoll registration).

use std::cell::UnsafeCell;
use std::io;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use crate::{error, sys};

/// The registration record of one of wakepoll's own sources.
///
/// The lock is a flag rather than a `Mutex`: taking and releasing it is one compare-and-swap
/// and one plain store (a `Mutex` also swaps on release, and checks for poisoning twice), and
/// it is only ever contended by two threads registering the same source at once — a program
/// error that gets `EEXIST` — so the loser yields instead of sleeping on a futex.
#[derive(Default)]
pub(crate) struct Registration {
    busy: AtomicBool,
    record: UnsafeCell<Record>,
}

// SAFETY: `record` is only reached through `RecordGuard`, which exists only while `busy` is
// held by its thread (acquired with Acquire, released with Release): one thread at a time.
unsafe impl Sync for Registration {}

/// Access to the record while the flag is held.
struct RecordGuard<'a> {
    registration: &'a Registration,
}

impl Deref for RecordGuard<'_> {
    type Target = Record;

    fn deref(&self) -> &Record {
        // SAFETY: the guard holds the flag, so no other reference to the record exists.
        unsafe { &*self.registration.record.get() }
    }
}

impl DerefMut for RecordGuard<'_> {
    fn deref_mut(&mut self) -> &mut Record {
        // SAFETY: as in `deref`; `&mut self` makes this the only reference through the guard.
        unsafe { &mut *self.registration.record.get() }
    }
}

impl Drop for RecordGuard<'_> {
    fn drop(&mut self) {
        self.registration.busy.store(false, Ordering::Release);
    }
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration").finish_non_exhaustive()
    }
}

/// The selector last registered with, and whether the registration is still on.
#[derive(Debug, Default)]
struct Record {
    selector: Weak<sys::Selector>,
    registered: bool,
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
                if !std::ptr::eq(current.selector.as_ptr(), Arc::as_ptr(selector)) {
                    current.selector = Arc::downgrade(selector);
                }
                current.registered = true;
                Ok(())
            }
            Where::Here => Err(refuse(sys::EEXIST, "already registered")),
            // mio's words (its `debug_assertions` check), so that code matching them works.
            Where::Elsewhere => Err(refuse(
                sys::EEXIST,
                "I/O source already registered with a `Registry` (another Poll or WaitContext)",
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
                current.registered = false;
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
        // A deregistered source keeps its `Weak` (see the invariants): only `registered` says
        // whether there is a registration to re-arm.
        let selector = current
            .registered
            .then(|| current.selector.upgrade())
            .flatten();
        match selector {
            Some(selector) => f(&selector),
            None => Ok(()),
        }
    }

    /// Ends the registration with whichever selector still has one, by running `remove`; for
    /// the owner's `Drop`. Errors are ignored: the source is going away.
    pub(crate) fn clear(&self, remove: impl FnOnce(&sys::Selector) -> io::Result<()>) {
        let mut current = self.lock();
        if current.registered {
            if let Some(selector) = current.selector.upgrade() {
                let _ = remove(&selector);
            }
        }
        *current = Record::default();
    }

    fn lock(&self) -> RecordGuard<'_> {
        while self
            .busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::thread::yield_now();
        }
        // The closures run system calls only; if one panicked anyway, the guard's drop still
        // releases the flag, and the record is only changed after a closure succeeded.
        RecordGuard { registration: self }
    }
}

fn locate(current: &Record, selector: &Arc<sys::Selector>) -> Where {
    if !current.registered || current.selector.strong_count() == 0 {
        Where::Nowhere
    } else if std::ptr::eq(current.selector.as_ptr(), Arc::as_ptr(selector)) {
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

/// `event::Source` for `$ty` and for `&$ty` (a shared value: `registry.register(&mut &*x, …)`),
/// through the type's `registration: Registration` and its backend object `inner` (a
/// `sys::SyncEvent`, a `sys::Timer`: `register(&Selector, Token, Interest, Trigger)`,
/// `reregister`, `deregister(&Selector)`): the record does the bookkeeping and the errors (the
/// table above), the backend the OS work. The attributes given (the docs) go on the impl for
/// `$ty`. The owner still ends the registration in its `Drop` ([`Registration::clear`]).
macro_rules! registered_source_impls {
    ($(#[$attr:meta])* $ty:ty) => {
        $crate::event::registered_source_impls!(@impl $(#[$attr])* $ty, $ty, this => &*this);
        $crate::event::registered_source_impls!(@impl
            /// The same, for a value that is shared (in an `Arc`, say):
            /// `registry.register(&mut &*source, token, interests)`.
            &$ty, $ty, this => *this);
    };
    // One impl for `$for` (`$ty` or `&$ty`); `$get` turns `$this` (`&mut $for`) into `&$ty`.
    (@impl $(#[$attr:meta])* $for:ty, $ty:ty, $this:ident => $get:expr) => {
        $(#[$attr])*
        impl $crate::event::Source for $for {
            fn register(
                &mut self,
                registry: &$crate::Registry,
                token: $crate::Token,
                interests: $crate::Interest,
            ) -> ::std::io::Result<()> {
                let $this = self;
                let source: &$ty = $get;
                let trigger = registry.trigger();
                source.registration.register(registry.selector(), |selector| {
                    source.inner.register(selector, token, interests, trigger)
                })
            }

            fn reregister(
                &mut self,
                registry: &$crate::Registry,
                token: $crate::Token,
                interests: $crate::Interest,
            ) -> ::std::io::Result<()> {
                let $this = self;
                let source: &$ty = $get;
                let trigger = registry.trigger();
                source.registration.reregister(registry.selector(), |selector| {
                    source.inner.reregister(selector, token, interests, trigger)
                })
            }

            fn deregister(&mut self, registry: &$crate::Registry) -> ::std::io::Result<()> {
                let $this = self;
                let source: &$ty = $get;
                source
                    .registration
                    .deregister(registry.selector(), |selector| source.inner.deregister(selector))
            }
        }
    };
}
pub(crate) use registered_source_impls;
