//! AtomicWaker: futures' AtomicWaker for JavaScript promises, across workers.
//!
//! Each lives in the [`ATOMIC_WAKERS`] slab (slots.rs) until `close()`; its JavaScript objects
//! (the first, each `fromHandle`) are plain data holding the key, which the handle string names.
//!
//! A registration is a JavaScript callback turned into a threadsafe function (referenced, so a
//! pending registration keeps its thread's event loop alive) and wrapped in a
//! `core::task::Waker` that the core `wakepoll::AtomicWaker` holds. Waking it — from any
//! thread — queues the callback on the registering thread, once. A registration that is
//! replaced, taken or dropped without a wake is settled too ("spurious wake"), so no promise is
//! left pending forever; one ended by `close()` is told so. If the registering worker is gone,
//! its threadsafe function is closed and the call is refused: nothing runs, nothing crashes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Wake, Waker};

use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status};
use napi_derive::napi;

use crate::errors;
use crate::handles::{self, Kind};
use crate::slots::{self, Slab};

/// Every open AtomicWaker of the process.
pub(crate) static ATOMIC_WAKERS: Slab<Arc<AtomicWakerShared>> = Slab::new();

/// What a registration's callback receives.
const WOKEN: u32 = 0;
const CLOSED: u32 = 1;

type Callback = ThreadsafeFunction<u32, (), u32, Status, false>;

/// One registration: settles its promise exactly once.
struct Registration {
    callback: Mutex<Option<Callback>>,
}

impl Registration {
    fn settle(&self, outcome: u32) {
        let callback = self
            .callback
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(callback) = callback {
            // Refused (Closing) only when the registering thread is gone: nobody to tell.
            let _ = callback.call(outcome, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

impl Wake for Registration {
    fn wake(self: Arc<Self>) {
        self.settle(WOKEN);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.settle(WOKEN);
    }
}

impl Drop for Registration {
    /// Replaced or taken without a wake: a spurious wake, never a promise pending forever.
    fn drop(&mut self) {
        self.settle(WOKEN);
    }
}

pub(crate) struct AtomicWakerShared {
    inner: wakepoll::AtomicWaker,
    closed: AtomicBool,
    /// The latest registration, so that `close()` can settle it as closed rather than woken.
    latest: Mutex<Weak<Registration>>,
}

/// The open AtomicWaker of `key`, or `ERR_CLOSED`.
fn open(env: &Env, key: f64) -> napi::Result<Arc<AtomicWakerShared>> {
    slots::key(key)
        .and_then(|key| ATOMIC_WAKERS.get(key))
        .filter(|shared| !shared.closed.load(Ordering::Acquire))
        .ok_or_else(|| errors::closed(env, "AtomicWaker"))
}

#[napi]
pub fn atomic_waker_new(env: Env) -> napi::Result<f64> {
    let shared = Arc::new(AtomicWakerShared {
        inner: wakepoll::AtomicWaker::new(),
        closed: AtomicBool::new(false),
        latest: Mutex::new(Weak::new()),
    });
    // Held until close(), whatever the garbage collector does.
    ATOMIC_WAKERS
        .insert(shared)
        .map(|key| key as f64)
        .ok_or_else(|| slots::full(&env, "AtomicWaker"))
}

/// `AtomicWaker.fromHandle(handle)`: the key the handle names (no new native state).
#[napi]
pub fn atomic_waker_from_handle(env: Env, handle: String) -> napi::Result<f64> {
    let Some(key) = handles::parse(Kind::AtomicWaker, &handle) else {
        return Err(errors::invalid_handle(&env, "AtomicWaker"));
    };
    open(&env, key as f64).map(|_| key as f64)
}

#[napi]
pub fn atomic_waker_handle(env: Env, key: f64) -> napi::Result<String> {
    open(&env, key)?;
    Ok(handles::handle(Kind::AtomicWaker, key as u64))
}

#[napi]
pub fn atomic_waker_closed(key: f64) -> bool {
    slots::key(key)
        .and_then(|key| ATOMIC_WAKERS.get(key))
        .is_none_or(|shared| shared.closed.load(Ordering::Acquire))
}

/// Registers `callback(outcome)`: 0 when woken (or replaced), 1 when closed.
#[napi(ts_args_type = "key: number, callback: (outcome: number) => void")]
pub fn atomic_waker_register(env: Env, key: f64, callback: Callback) -> napi::Result<()> {
    let shared = open(&env, key)?;
    let registration = Arc::new(Registration {
        callback: Mutex::new(Some(callback)),
    });
    *shared.latest.lock().unwrap_or_else(|e| e.into_inner()) = Arc::downgrade(&registration);
    shared
        .inner
        .register(&Waker::from(Arc::clone(&registration)));
    // Closed meanwhile: close() may have missed this registration; settle it here.
    if shared.closed.load(Ordering::Acquire) {
        registration.settle(CLOSED);
        drop(shared.inner.take());
    }
    Ok(())
}

#[napi]
pub fn atomic_waker_wake(env: Env, key: f64) -> napi::Result<()> {
    open(&env, key)?.inner.wake();
    Ok(())
}

/// Removes the registration (settling its promise as a spurious wake); whether there was one.
#[napi]
pub fn atomic_waker_take(env: Env, key: f64) -> napi::Result<bool> {
    Ok(open(&env, key)?.inner.take().is_some())
}

/// Ends it for every worker (a pending registration is told `closed`) and frees its slot.
/// Idempotent.
#[napi]
pub fn atomic_waker_close(key: f64) {
    let Some(shared) = slots::key(key).and_then(|key| ATOMIC_WAKERS.remove(key)) else {
        return;
    };
    if shared.closed.swap(true, Ordering::AcqRel) {
        return;
    }
    let latest = shared
        .latest
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .upgrade();
    if let Some(registration) = latest {
        registration.settle(CLOSED);
    }
    // Drops the waker (already settled, so nothing more is sent).
    drop(shared.inner.take());
}
