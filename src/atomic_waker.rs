//! `NativeAtomicWaker`: futures' AtomicWaker for JavaScript promises, across workers.
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
use crate::handles::{self, Kind, Lookup};

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
    id: u64,
    inner: wakepoll::AtomicWaker,
    closed: AtomicBool,
    /// The latest registration, so that `close()` can settle it as closed rather than woken.
    latest: Mutex<Weak<Registration>>,
}

/// The native half of `AtomicWaker`.
#[napi]
pub struct NativeAtomicWaker {
    shared: Arc<AtomicWakerShared>,
}

impl NativeAtomicWaker {
    fn open(&self, env: &Env) -> napi::Result<&AtomicWakerShared> {
        if self.shared.closed.load(Ordering::Acquire) {
            return Err(errors::closed(env, "AtomicWaker"));
        }
        Ok(&self.shared)
    }
}

#[napi]
impl NativeAtomicWaker {
    #[napi(constructor)]
    pub fn new() -> NativeAtomicWaker {
        let id = handles::next_id();
        let shared = Arc::new(AtomicWakerShared {
            id,
            inner: wakepoll::AtomicWaker::new(),
            closed: AtomicBool::new(false),
            latest: Mutex::new(Weak::new()),
        });
        // Held strongly: it lives until close(), whatever the garbage collector does.
        handles::insert_strong(Kind::AtomicWaker, id, Arc::clone(&shared));
        NativeAtomicWaker { shared }
    }

    #[napi(factory)]
    pub fn from_handle(env: Env, handle: String) -> napi::Result<NativeAtomicWaker> {
        match handles::lookup::<AtomicWakerShared>(Kind::AtomicWaker, &handle) {
            Ok(shared) => Ok(NativeAtomicWaker { shared }),
            Err(Lookup::Invalid) => Err(errors::invalid_handle(&env, "AtomicWaker")),
            Err(Lookup::Closed) => Err(errors::closed(&env, "AtomicWaker")),
        }
    }

    #[napi(getter)]
    pub fn handle(&self, env: Env) -> napi::Result<String> {
        let shared = self.open(&env)?;
        Ok(handles::handle(Kind::AtomicWaker, shared.id))
    }

    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }

    /// Registers `callback(outcome)`: 0 when woken (or replaced), 1 when closed.
    #[napi(ts_args_type = "callback: (outcome: number) => void")]
    pub fn register(&self, env: Env, callback: Callback) -> napi::Result<()> {
        let shared = self.open(&env)?;
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
    pub fn wake(&self, env: Env) -> napi::Result<()> {
        self.open(&env)?.inner.wake();
        Ok(())
    }

    /// Removes the registration (settling its promise as a spurious wake); whether there was one.
    #[napi]
    pub fn take(&self, env: Env) -> napi::Result<bool> {
        Ok(self.open(&env)?.inner.take().is_some())
    }

    /// Ends it for every worker: a pending registration is told `closed`. Idempotent.
    #[napi]
    pub fn close(&self) {
        if self.shared.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        handles::remove(self.shared.id);
        let latest = self
            .shared
            .latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .upgrade();
        if let Some(registration) = latest {
            registration.settle(CLOSED);
        }
        // Drops the waker (already settled, so nothing more is sent).
        drop(self.shared.inner.take());
    }
}
