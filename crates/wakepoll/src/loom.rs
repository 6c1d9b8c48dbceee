//! The atomics and cells that [`AtomicWaker`](crate::AtomicWaker) is built from: std's in
//! every normal build, loom's under `--cfg loom` so that loom can model-check every
//! interleaving (see `tests/loom_atomic_waker.rs`).
//!
//! Both sides offer the same small surface, loom's: `UnsafeCell::with_mut` instead of `get`,
//! so that loom can see every access to the cell. Only code that loom should check goes
//! through here; the rest of the crate uses std directly.

#[cfg(not(loom))]
pub(crate) use self::std_shim::*;

#[cfg(loom)]
pub(crate) use self::loom_shim::*;

#[cfg(loom)]
mod loom_shim {
    pub(crate) use ::loom::hint;

    pub(crate) mod sync {
        pub(crate) use ::loom::cell::UnsafeCell;

        pub(crate) mod atomic {
            pub(crate) use ::loom::sync::atomic::{AtomicUsize, Ordering};
        }
    }
}

#[cfg(not(loom))]
mod std_shim {
    pub(crate) mod hint {
        pub(crate) use std::hint::spin_loop;
    }

    pub(crate) mod sync {
        pub(crate) use self::cell::UnsafeCell;

        pub(crate) mod atomic {
            pub(crate) use std::sync::atomic::{AtomicUsize, Ordering};
        }

        mod cell {
            /// `std::cell::UnsafeCell` with loom's access API.
            #[derive(Debug)]
            pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

            impl<T> UnsafeCell<T> {
                pub(crate) const fn new(data: T) -> UnsafeCell<T> {
                    UnsafeCell(std::cell::UnsafeCell::new(data))
                }

                /// Runs `f` with an exclusive pointer to the contents.
                #[inline]
                pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
                    f(self.0.get())
                }
            }
        }
    }
}
