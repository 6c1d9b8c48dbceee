//! `NativeSyncEvent`: crosvm's Event (`wakepoll::sync::Event`) for JavaScript, across workers.
//!
//! The handle table holds each event strongly: it lives until `close()`, in any worker. One
//! waiter at a time across every JavaScript object and clone of one event: the binding's own
//! guard (`waiting`, shared with `tryClone`s) is held for the whole wait, blocking or async,
//! because a blocking wait here runs in blocking_wait.rs (so that Node can stop the thread) and
//! only takes the core's guard for each non-blocking attempt.
//!
//! Closing while someone waits. Closing an fd takes its readiness out of every epoll set that
//! watches it, so `close()` must not close the eventfd under a waiter: it marks the event
//! `closing` (every later use, and the waiter's next look, reports `ERR_CLOSED`), signals to
//! wake the waiter, and leaves the fd to whoever ends the wait (or drops it at once when nobody
//! waits). The blocking wait is a plain Node-API call (fast.rs), like `poll`, so that a
//! termination it returns into stays pending for Node.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;
use wakepoll::sync::{Event, EventWaitResult};

use crate::handles::{self, Kind, Lookup};
use crate::{blocking_wait, errors, fast};

pub(crate) struct SyncEventShared {
    id: u64,
    event: RwLock<Option<Event>>,
    waiting: Arc<AtomicBool>,
    closing: AtomicBool,
}

/// What a non-blocking attempt found.
enum Consumed {
    Signaled,
    Closed,
}

impl SyncEventShared {
    pub(crate) fn new(event: Event, waiting: Arc<AtomicBool>) -> Arc<SyncEventShared> {
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
            Some(event) if !self.closing.load(Ordering::Acquire) => f(event),
            _ => Err(errors::closed(env, "SyncEvent")),
        }
    }

    fn is_closed(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }

    /// Claims the one-waiter slot: `EBUSY` if taken, `ERR_CLOSED` if closed.
    fn enter(&self, env: &Env) -> napi::Result<()> {
        if self.waiting.swap(true, Ordering::Acquire) {
            let err =
                wakepoll::error::busy("wait", "another thread is already waiting on this event");
            return Err(errors::system(env, &err));
        }
        if self.is_closed() {
            self.leave();
            return Err(errors::closed(env, "SyncEvent"));
        }
        Ok(())
    }

    /// Releases the slot; a close that came meanwhile is completed here.
    fn leave(&self) {
        if self.is_closed() {
            drop(self.event.write().unwrap_or_else(|e| e.into_inner()).take());
        }
        self.waiting.store(false, Ordering::Release);
    }

    /// Consumes the signal if it comes within `timeout` (`ZERO`: only if it is there now).
    fn try_consume(&self, timeout: Duration) -> std::io::Result<Option<Consumed>> {
        if self.is_closed() {
            return Ok(Some(Consumed::Closed));
        }
        let event = self.event.read().unwrap_or_else(|e| e.into_inner());
        let Some(event) = event.as_ref() else {
            return Ok(Some(Consumed::Closed));
        };
        if event.wait_timeout(timeout)? != EventWaitResult::Signaled {
            return Ok(None);
        }
        // The signal may have been close()'s wake-up call (a wait that blocked saw it).
        Ok(Some(if self.is_closed() {
            Consumed::Closed
        } else {
            Consumed::Signaled
        }))
    }

    /// The blocking wait (fast.rs calls it): whether the event was signalled before
    /// `timeout_ms` (`None`: no limit). `EBUSY` for a second waiter, `ERR_CLOSED` if closed.
    pub(crate) fn wait(&self, env: &Env, timeout_ms: Option<f64>) -> napi::Result<bool> {
        self.enter(env)?;
        let outcome = self.wait_entered(env, timeout_ms);
        self.leave();
        outcome
    }

    fn wait_entered(&self, env: &Env, timeout_ms: Option<f64>) -> napi::Result<bool> {
        let timeout = timeout_ms.and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok());
        let target = self.with(env, |event| Ok(event.as_pollable()))?;
        match blocking_wait::wait_for(env, target, timeout, |t| self.try_consume(t))? {
            Some(Consumed::Closed) => Err(errors::closed(env, "SyncEvent")),
            Some(Consumed::Signaled) => Ok(true),
            None => Ok(false),
        }
    }

    fn close(&self) {
        if self.closing.swap(true, Ordering::AcqRel) {
            return;
        }
        handles::remove(self.id);
        // Nobody waiting: close the fd now (holding the slot keeps a waiter from starting).
        if !self.waiting.swap(true, Ordering::Acquire) {
            self.leave();
            return;
        }
        // Wake the waiter, which finds the event closing; the fd stays open until it has left.
        // Only then: the event may be shared with another process (fromFd), which must not
        // see a signal for a close.
        if let Some(event) = self
            .event
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let _ = event.signal();
        }
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
        self.shared.is_closed()
    }

    /// The event's own fd (readable while signalled), for a hidden Poll of `waitAsync`.
    /// `ENOTSUP` where the event has none (Windows: an event object).
    #[napi(getter)]
    pub fn fd(&self, env: Env) -> napi::Result<i32> {
        self.shared.with(&env, |event| {
            // The identity on Unix; a Windows handle would need narrowing (there is none).
            #[allow(clippy::useless_conversion)]
            let fd = event.as_pollable().and_then(|fd| i32::try_from(fd).ok());
            fd.ok_or_else(|| {
                let err = wakepoll::error::unsupported(
                    "waitAsync",
                    "this platform's events have no fd for the event loop to watch",
                );
                errors::system(&env, &err)
            })
        })
    }

    /// A tagged external for the fast blocking `wait` (fast.rs); lib/sync-event.ts asks once.
    #[napi(ts_return_type = "object")]
    pub fn external<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        fast::external(env, Arc::clone(&self.shared), &fast::SYNC_EVENT_TAG)
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

    /// Claims the one-waiter slot for an async wait (lib/sync-event.ts): `EBUSY` if taken.
    #[napi]
    pub fn begin_wait(&self, env: Env) -> napi::Result<()> {
        self.shared.enter(&env)
    }

    /// Releases the slot claimed by `beginWait`.
    #[napi]
    pub fn end_wait(&self) {
        self.shared.leave();
    }

    /// Consumes the signal if there is one, without blocking.
    #[napi]
    pub fn try_consume(&self, env: Env) -> napi::Result<bool> {
        match self.shared.try_consume(Duration::ZERO) {
            Ok(Some(Consumed::Signaled)) => Ok(true),
            Ok(None) => Ok(false),
            Ok(Some(Consumed::Closed)) => Err(errors::closed(&env, "SyncEvent")),
            Err(e) => Err(errors::system(&env, &e)),
        }
    }

    /// Ends it for every worker; a thread waiting on it wakes with `ERR_CLOSED`. Idempotent.
    #[napi]
    pub fn close(&self) {
        self.shared.close();
    }
}
