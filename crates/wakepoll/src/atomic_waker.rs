//! `AtomicWaker`: futures' task-wakeup primitive, with futures' state machine.
//!
//! One `usize` of state guards one `Option<Waker>` cell:
//!
//! * `WAITING` (0): nobody touches the cell; `register` may take the lock, `take` may too.
//! * `REGISTERING`: a `register` holds the cell and is replacing the waker. A `take` that
//!   arrives now only sets `WAKING` and leaves; the `register`, on releasing, sees the bit and
//!   wakes the waker it just stored itself, so that wake is not lost.
//! * `WAKING`: a `take` holds the cell. A `register` that arrives now cannot store its waker,
//!   so it wakes that waker at once (the caller polls again: a spurious wake, never a lost one).
//! * `REGISTERING | WAKING`: both arrived; the `register` owns the cell and will do the wake.
//!
//! Invariants:
//! * the cell is accessed only by the thread that moved the state from `WAITING` to
//!   `REGISTERING` (a `register`) or from `WAITING` to `WAKING` (a `take`), until it moves the
//!   state back; so there is never more than one accessor;
//! * every `wake` that happens-after a `register` either takes that register's waker, or makes
//!   the register wake it: a wake is never lost, only possibly delivered spuriously;
//! * a `Waker` is only ever invoked outside the lock, and a panicking `Waker::clone` or
//!   `will_wake` releases it (the old waker is dropped).
//!
//! Under `cfg(loom)` the atomics and the cell are loom's (see `crate::loom`), and
//! `tests/loom_atomic_waker.rs` checks the interleavings.

use std::fmt;
use std::task::Waker;

use crate::loom::hint;
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire, Release};
use crate::loom::sync::UnsafeCell;

/// Idle: the cell is free.
const WAITING: usize = 0;
/// A `register` holds the cell.
const REGISTERING: usize = 0b01;
/// A `take` holds the cell, or asked the registering thread to wake.
const WAKING: usize = 0b10;

/// A synchronization primitive for task wake-up, with the API and guarantees of
/// `futures::task::AtomicWaker`.
///
/// A consumer [`register`](AtomicWaker::register)s the waker of its task **before** checking
/// for the condition it waits for; a producer makes the condition true and then calls
/// [`wake`](AtomicWaker::wake). A `wake` before any `register` does nothing; a `register`
/// replaces the previous waker. Concurrent `register` and `wake` are safe, and a `wake` that
/// happens after a `register` always wakes that registration's task (at worst spuriously, when
/// the two race).
///
/// `AtomicWaker` gives no memory-ordering guarantee for the user's own data: publish the
/// condition with its own atomics (or a lock), as in the example.
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
/// use std::task::{Context, Poll};
/// use wakepoll::AtomicWaker;
///
/// struct Flag {
///     waker: AtomicWaker,
///     set: AtomicBool,
/// }
///
/// impl Future for &Flag {
///     type Output = ();
///
///     fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
///         // Register **before** checking `set`, or a wake in between would be lost.
///         self.waker.register(cx.waker());
///         if self.set.load(SeqCst) {
///             Poll::Ready(())
///         } else {
///             Poll::Pending
///         }
///     }
/// }
///
/// impl Flag {
///     fn signal(&self) {
///         self.set.store(true, SeqCst);
///         self.waker.wake();
///     }
/// }
/// # struct Noop;
/// # impl std::task::Wake for Noop { fn wake(self: std::sync::Arc<Self>) {} }
/// # let flag = Flag { waker: AtomicWaker::new(), set: AtomicBool::new(false) };
/// # let waker = std::task::Waker::from(std::sync::Arc::new(Noop));
/// # let mut fut = &flag;
/// # assert!(Pin::new(&mut fut).poll(&mut Context::from_waker(&waker)).is_pending());
/// # flag.signal();
/// # assert!(Pin::new(&mut fut).poll(&mut Context::from_waker(&waker)).is_ready());
/// ```
pub struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the cell is only accessed by the one thread that holds the state lock (module
// invariants), and `Waker` is `Send + Sync`; so sharing and sending the `AtomicWaker` is as
// safe as sending a `Waker` between threads.
unsafe impl Send for AtomicWaker {}
// SAFETY: as above: the state machine serialises every access to the cell.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    /// Creates an `AtomicWaker` with no waker registered.
    #[cfg(not(loom))]
    pub const fn new() -> AtomicWaker {
        AtomicWaker {
            state: AtomicUsize::new(WAITING),
            waker: UnsafeCell::new(None),
        }
    }

    /// Creates an `AtomicWaker` with no waker registered.
    #[cfg(loom)]
    pub fn new() -> AtomicWaker {
        AtomicWaker {
            state: AtomicUsize::new(WAITING),
            waker: UnsafeCell::new(None),
        }
    }

    /// Registers `waker` to be woken by the next [`wake`](AtomicWaker::wake).
    ///
    /// It replaces any waker registered before (without cloning when the old one
    /// [`will_wake`](Waker::will_wake) the same task). Any `wake` that happens after this
    /// call wakes `waker` once and removes it; call `register` again each time you need a new
    /// wake-up.
    ///
    /// Safe with any number of threads calling `wake` meanwhile: if one races this call,
    /// `waker` is woken right away. Concurrent `register` calls are safe too, but only one of
    /// them wins, and which one is not specified.
    pub fn register(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(WAITING, REGISTERING, Acquire, Acquire)
            .unwrap_or_else(|actual| actual)
        {
            WAITING => {
                // We hold the lock. If cloning panics, `Unlock` releases it on the way out.
                let unlock = Unlock(self);
                self.waker.with_mut(|cell| {
                    // SAFETY: the state is REGISTERING and we set it: no other thread
                    // accesses the cell until we move the state back (module invariants).
                    let cell = unsafe { &mut *cell };
                    match cell {
                        Some(old) if old.will_wake(waker) => {}
                        _ => *cell = Some(waker.clone()),
                    }
                });
                std::mem::forget(unlock);

                // Release the lock. AcqRel on success publishes the new waker to the next
                // `take`; Acquire on failure pairs with the racing `take`'s release.
                if let Err(actual) =
                    self.state
                        .compare_exchange(REGISTERING, WAITING, AcqRel, Acquire)
                {
                    // A `take` arrived while we held the cell: it left the wake to us.
                    debug_assert_eq!(actual, REGISTERING | WAKING);
                    // SAFETY: the REGISTERING bit is still ours: nobody else touches the cell.
                    let waker = self.waker.with_mut(|cell| unsafe { (*cell).take() });
                    // Clear both bits; AcqRel publishes the emptied cell, acquires the takes.
                    self.state.swap(WAITING, AcqRel);
                    if let Some(waker) = waker {
                        waker.wake();
                    }
                }
            }
            WAKING => {
                // A `take` holds the cell: it may be taking the old waker, so this one could
                // not be stored in time. Wake it now; its task polls again and re-registers.
                waker.wake_by_ref();
                hint::spin_loop();
            }
            state => {
                // Another `register` holds the cell (perhaps with a wake pending); it wins.
                debug_assert!(state == REGISTERING || state == REGISTERING | WAKING);
            }
        }
    }

    /// Wakes the waker registered last, if any, and removes it.
    ///
    /// Does nothing if no waker is registered (a `wake` before any `register` is a no-op).
    pub fn wake(&self) {
        if let Some(waker) = self.take() {
            waker.wake();
        }
    }

    /// Removes and returns the waker registered last, if any, without waking it.
    ///
    /// Returns `None` when a `register` is in progress on another thread: that `register`
    /// then wakes its own waker, as a `wake` would have.
    pub fn take(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, AcqRel) {
            WAITING => {
                // SAFETY: we moved the state from WAITING to WAKING: the cell is ours until
                // we clear the bit.
                let waker = self.waker.with_mut(|cell| unsafe { (*cell).take() });
                self.state.fetch_and(!WAKING, Release);
                waker
            }
            state => {
                // A `register` holds the cell and will see our bit, or another `take` holds
                // it and is taking the waker.
                debug_assert!(
                    state == REGISTERING || state == REGISTERING | WAKING || state == WAKING
                );
                None
            }
        }
    }
}

/// Releases the `register` lock if cloning or comparing the waker panics, dropping the old
/// waker, so that the `AtomicWaker` stays usable.
struct Unlock<'a>(&'a AtomicWaker);

impl Drop for Unlock<'_> {
    fn drop(&mut self) {
        // SAFETY: only built while the REGISTERING bit is ours, and forgotten before we
        // release it; so here the cell is still ours.
        let old = self.0.waker.with_mut(|cell| unsafe { (*cell).take() });
        self.0.state.swap(WAITING, AcqRel);
        drop(old);
    }
}

impl Default for AtomicWaker {
    fn default() -> AtomicWaker {
        AtomicWaker::new()
    }
}

impl fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The cell cannot be read without the lock; say what the state word says.
        f.debug_struct("AtomicWaker")
            .field("state", &self.state.load(Acquire))
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;
    use std::task::{RawWaker, RawWakerVTable, Waker};

    use super::{AtomicWaker, WAITING};

    /// A waker whose `clone` panics, to check that `register` releases its lock.
    fn panicking_clone_waker() -> Waker {
        fn clone(_: *const ()) -> RawWaker {
            panic!("clone");
        }
        fn noop(_: *const ()) {}
        static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
        // SAFETY: the vtable's functions ignore the data pointer, which may be null.
        unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
    }

    struct Count(AtomicUsize);
    impl std::task::Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }

    #[test]
    fn a_panicking_clone_leaves_it_unlocked_and_usable() {
        let aw = AtomicWaker::new();
        let bad = panicking_clone_waker();
        let result = panic::catch_unwind(AssertUnwindSafe(|| aw.register(&bad)));
        assert!(result.is_err());
        assert_eq!(aw.state.load(SeqCst), WAITING);

        let count = Arc::new(Count(AtomicUsize::new(0)));
        aw.register(&Waker::from(Arc::clone(&count)));
        aw.wake();
        assert_eq!(count.0.load(SeqCst), 1);
    }

    #[test]
    fn debug_shows_the_state_without_the_waker() {
        assert_eq!(
            format!("{:?}", AtomicWaker::default()),
            "AtomicWaker { state: 0, .. }"
        );
    }
}
