//! A one-shot thread-pool wait on a waitable object (`RegisterWaitForSingleObject`,
//! `WT_EXECUTEONLYONCE`): the pool calls `T::fired` once, when the object is signalled (at once
//! if it is signalled already). How a registered Timer or Event (timer.rs, sync_event.rs)
//! learns of a signal it did not make itself.
//!
//! Invariants:
//! * the callback's context is the `Arc<T>` this value holds; `stop` (and drop, and a new
//!   `start`) unregister with `UnregisterWaitEx(…, INVALID_HANDLE_VALUE)`, which returns only
//!   once no callback of the wait runs, so the context outlives every callback;
//! * `stop` is never called from the callback (it would wait for itself), and `T::fired` takes
//!   no lock that a caller of `stop` may hold (the callers' lock-order notes say which).

use std::ffi::c_void;
use std::io;
use std::ptr;
use std::sync::Arc;

use windows_sys::Win32::Foundation::{HANDLE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::System::Threading::{
    RegisterWaitForSingleObject, UnregisterWaitEx, INFINITE, WT_EXECUTEINWAITTHREAD,
    WT_EXECUTEONLYONCE,
};

use crate::error;

/// What a [`PoolWait`] tells when its object is signalled (on a thread-pool thread).
pub(super) trait Fired: Send + Sync {
    fn fired(&self);
}

#[derive(Debug)]
pub(super) struct PoolWait<T: Fired> {
    target: Arc<T>,
    /// The `RegisterWaitForSingleObject` handle; null when no wait is outstanding.
    wait: HANDLE,
}

// SAFETY: a thread-pool wait handle is usable from any thread, and `wait` is only touched
// through `&mut self`; the target is `Send + Sync`.
unsafe impl<T: Fired> Send for PoolWait<T> {}

impl<T: Fired> PoolWait<T> {
    /// No wait yet; `start` makes one.
    pub(super) fn new(target: Arc<T>) -> PoolWait<T> {
        PoolWait {
            target,
            wait: ptr::null_mut(),
        }
    }

    pub(super) fn target(&self) -> &Arc<T> {
        &self.target
    }

    /// (Re)starts the wait on `object`: the one outstanding, if any, ends first.
    ///
    /// # Safety
    /// `object` stays open until this wait has ended (`stop`, another `start`, or drop).
    pub(super) unsafe fn start(&mut self, object: HANDLE) -> io::Result<()> {
        self.stop();
        let mut wait: HANDLE = ptr::null_mut();
        // SAFETY: `object` is open (the caller's promise); the context is the target this
        // value keeps alive until the wait has ended (no callback runs after that).
        let ok = unsafe {
            RegisterWaitForSingleObject(
                &mut wait,
                object,
                Some(fired::<T>),
                Arc::as_ptr(&self.target).cast(),
                INFINITE,
                WT_EXECUTEONLYONCE | WT_EXECUTEINWAITTHREAD,
            )
        };
        if ok == 0 {
            return Err(error::last("RegisterWaitForSingleObject"));
        }
        self.wait = wait;
        Ok(())
    }

    /// Ends the wait, if any; returns once no callback of it runs.
    pub(super) fn stop(&mut self) {
        if self.wait.is_null() {
            return;
        }
        // SAFETY: a wait handle from RegisterWaitForSingleObject, unregistered once; never
        // called from the callback itself (see the invariants).
        unsafe { UnregisterWaitEx(self.wait, INVALID_HANDLE_VALUE) };
        self.wait = ptr::null_mut();
    }
}

impl<T: Fired> Drop for PoolWait<T> {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The thread-pool callback: the object is signalled.
unsafe extern "system" fn fired<T: Fired>(context: *mut c_void, _timed_out: bool) {
    // SAFETY: the context is the `T` that the PoolWait keeps alive until its wait has ended,
    // which waits for this callback to return.
    unsafe { &*(context as *const T) }.fired();
}
