//! `NativeSyncEvent`: crosvm's Event (`wakepoll::sync::Event`) for JavaScript, across workers.
//!
//! The handle table holds each event strongly: it lives until `close()`, in any worker. One
//! waiter at a time across every JavaScript object and clone of one event: the binding's own
//! guard (`waiting`, shared with `tryClone`s) is held for the whole wait, blocking or async,
//! because a blocking wait here runs in blocking_wait.rs (so that Node can stop the thread) and
//! only takes the core's guard for each non-blocking attempt.

use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use napi::Env;
use napi_derive::napi;
use wakepoll::sync::{Event, EventWaitResult};

use crate::handles::{self, Kind, Lookup};
use crate::{blocking_wait, errors};

pub(crate) struct SyncEventShared {
    id: u64,
    event: RwLock<Option<Event>>,
    waiting: Arc<AtomicBool>,
    /// Set by `close()` before it signals to wake a waiter, so that the waiter reports the
    /// close rather than consuming that signal.
    closing: AtomicBool,
}

impl SyncEventShared {
    fn new(event: Event, waiting: Arc<AtomicBool>) -> Arc<SyncEventShared> {
        let id = handles::next_id();
        let shared = Arc::new(SyncEventShared {
            id,
            event: RwLock::new(Some(event)),
            waiting,
            closing: AtomicBool::new(false),
        });
        handles::insert_strong(Kind::SyncEvent, id, Arc::clone(&shared));
        shared
    }

    /// Runs `f` with the open event, or fails with `ERR_CLOSED`.
    pub(crate) fn with<T>(
        &self,
        env: &Env,
        f: impl FnOnce(&Event) -> napi::Result<T>,
    ) -> napi::Result<T> {
        let event = self.event.read().unwrap_or_else(|e| e.into_inner());
        match event.as_ref() {
            Some(event) => f(event),
            None => Err(errors::closed(env, "SyncEvent")),
        }
    }
}

/// Holds the one-waiter guard for the length of a wait.
struct Waiting<'a>(&'a AtomicBool);

impl<'a> Waiting<'a> {
    fn enter(env: &Env, flag: &'a AtomicBool) -> napi::Result<Waiting<'a>> {
        if flag.swap(true, Ordering::Acquire) {
            let err =
                wakepoll::error::busy("wait", "another thread is already waiting on this event");
            return Err(errors::system(env, &err));
        }
        Ok(Waiting(flag))
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// The native half of `SyncEvent`.
#[napi]
pub struct NativeSyncEvent {
    pub(crate) shared: Arc<SyncEventShared>,
}

#[napi]
impl NativeSyncEvent {
    #[napi(constructor)]
    pub fn new(env: Env) -> napi::Result<NativeSyncEvent> {
        let event = Event::new().map_err(|e| errors::system(&env, &e))?;
        Ok(NativeSyncEvent {
            shared: SyncEventShared::new(event, Arc::new(AtomicBool::new(false))),
        })
    }

    #[napi(factory)]
    pub fn from_handle(env: Env, handle: String) -> napi::Result<NativeSyncEvent> {
        match handles::lookup::<SyncEventShared>(Kind::SyncEvent, &handle) {
            Ok(shared) => Ok(NativeSyncEvent { shared }),
            Err(Lookup::Invalid) => Err(errors::invalid_handle(&env, "SyncEvent")),
            Err(Lookup::Closed) => Err(errors::closed(&env, "SyncEvent")),
        }
    }

    #[napi(getter)]
    pub fn handle(&self, env: Env) -> napi::Result<String> {
        self.shared.with(&env, |_| {
            Ok(handles::handle(Kind::SyncEvent, self.shared.id))
        })
    }

    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.shared
            .event
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_none()
    }

    /// The event's own fd (readable while signalled), for a hidden Poll of `waitAsync`.
    #[napi(getter)]
    pub fn fd(&self, env: Env) -> napi::Result<i32> {
        self.shared.with(&env, |event| Ok(event.as_raw_fd()))
    }

    #[napi]
    pub fn signal(&self, env: Env) -> napi::Result<()> {
        self.shared.with(&env, |event| {
            event.signal().map_err(|e| errors::system(&env, &e))
        })
    }

    #[napi]
    pub fn reset(&self, env: Env) -> napi::Result<()> {
        self.shared.with(&env, |event| {
            event.reset().map_err(|e| errors::system(&env, &e))
        })
    }

    /// Another event for the same signal (its own fd and registration, the same waiter rule).
    #[napi]
    pub fn try_clone(&self, env: Env) -> napi::Result<NativeSyncEvent> {
        let clone = self.shared.with(&env, |event| {
            event.try_clone().map_err(|e| errors::system(&env, &e))
        })?;
        Ok(NativeSyncEvent {
            shared: SyncEventShared::new(clone, Arc::clone(&self.shared.waiting)),
        })
    }

    /// Blocks until signalled (then clears it) or `timeout_ms` passes: whether it was
    /// signalled. `null` waits forever. A second concurrent waiter gets `EBUSY`.
    #[napi]
    pub fn wait(&self, env: Env, timeout_ms: Option<f64>) -> napi::Result<bool> {
        let _waiting = Waiting::enter(&env, &self.shared.waiting)?;
        let timeout = timeout_ms.and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok());
        let fd = self.shared.with(&env, |event| Ok(event.as_raw_fd()))?;
        match blocking_wait::wait_for(&env, fd, timeout, || self.try_consume_now())? {
            Some(Consumed::Closed) => Err(errors::closed(&env, "SyncEvent")),
            Some(Consumed::Signaled) => Ok(true),
            None => Ok(false),
        }
    }

    /// Claims the one-waiter slot for an async wait (lib/sync-event.ts): EBUSY if taken.
    #[napi]
    pub fn begin_wait(&self, env: Env) -> napi::Result<()> {
        std::mem::forget(Waiting::enter(&env, &self.shared.waiting)?);
        Ok(())
    }

    /// Releases the slot claimed by `beginWait`.
    #[napi]
    pub fn end_wait(&self) {
        self.shared.waiting.store(false, Ordering::Release);
    }

    /// Consumes the signal if there is one, without blocking.
    #[napi]
    pub fn try_consume(&self, env: Env) -> napi::Result<bool> {
        match self.try_consume_now() {
            Ok(Some(Consumed::Signaled)) => Ok(true),
            Ok(None) => Ok(false),
            Ok(Some(Consumed::Closed)) => Err(errors::closed(&env, "SyncEvent")),
            Err(e) => Err(errors::system(&env, &e)),
        }
    }

    /// Ends it for every worker; a thread waiting on it wakes with `ERR_CLOSED`. Idempotent.
    #[napi]
    pub fn close(&self) {
        // Wake a waiter first: it finds the event closing when it looks again.
        self.shared.closing.store(true, Ordering::Release);
        if let Some(event) = self
            .shared
            .event
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let _ = event.signal();
        }
        let event = self
            .shared
            .event
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if event.is_some() {
            handles::remove(self.shared.id);
        }
    }
}

/// What a non-blocking attempt found.
enum Consumed {
    Signaled,
    Closed,
}

impl NativeSyncEvent {
    fn try_consume_now(&self) -> std::io::Result<Option<Consumed>> {
        if self.shared.closing.load(Ordering::Acquire) {
            return Ok(Some(Consumed::Closed));
        }
        let event = self.shared.event.read().unwrap_or_else(|e| e.into_inner());
        match event.as_ref() {
            Some(event) => Ok(
                (event.wait_timeout(Duration::ZERO)? == EventWaitResult::Signaled)
                    .then_some(Consumed::Signaled),
            ),
            None => Ok(Some(Consumed::Closed)),
        }
    }
}
