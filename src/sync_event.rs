//! SyncEvent: crosvm's Event (`wakepoll::sync::Event`) for JavaScript, across workers.
//!
//! Each event (each `tryClone` is one of its own) sits in the [`SYNC_EVENTS`] slab (slots.rs)
//! until `close()`, in any worker; its JavaScript objects — the first, and each `fromHandle` —
//! are plain data holding the key, and the handle string is that key under the handle table's
//! tag. An `Arc` in the slot, because a wait holds it outside the slot's lock. One
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

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use napi::Env;
use napi_derive::napi;
use wakepoll::sync::{Event, EventWaitResult};

use crate::handles::{self, Kind};
use crate::slots::{self, Slab};
use crate::thread_held::{self, Role};
use crate::{blocking_wait, errors};

/// Every open SyncEvent of the process.
pub(crate) static SYNC_EVENTS: Slab<Arc<SyncEventShared>> = Slab::new();

/// The SyncEvent of `key`, or `ERR_CLOSED`.
pub(crate) fn shared(env: &Env, key: f64) -> napi::Result<Arc<SyncEventShared>> {
    slots::key(key)
        .and_then(|key| SYNC_EVENTS.get(key))
        .ok_or_else(|| errors::closed(env, "SyncEvent"))
}

pub(crate) struct SyncEventShared {
    /// Its key in [`SYNC_EVENTS`] (set once, right after the insert): the slot is removed when
    /// the fd is closed, by `close()` or by the waiter that `close()` left it to.
    key: AtomicU64,
    event: RwLock<Option<Event>>,
    /// The one-waiter flag, shared with every `tryClone`.
    waiting: Arc<AtomicBool>,
    /// Whether the holder of `waiting` waits on this very event (not on a clone).
    waiter_here: AtomicBool,
    closing: AtomicBool,
}

/// What a non-blocking attempt found.
enum Consumed {
    Signaled,
    Closed,
}

impl SyncEventShared {
    /// Stores a new event; its key.
    pub(crate) fn insert(env: &Env, event: Event, waiting: Arc<AtomicBool>) -> napi::Result<f64> {
        let shared = Arc::new(SyncEventShared {
            key: AtomicU64::new(0),
            event: RwLock::new(Some(event)),
            waiting,
            waiter_here: AtomicBool::new(false),
            closing: AtomicBool::new(false),
        });
        let key = SYNC_EVENTS
            .insert(Arc::clone(&shared))
            .ok_or_else(|| slots::full(env, "SyncEvent"))?;
        shared.key.store(key, Ordering::Release);
        Ok(key as f64)
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
        // SeqCst with close()'s `closing` then `waiter_here`: one of the two sees the other.
        self.waiter_here.store(true, Ordering::SeqCst);
        if self.closing.load(Ordering::SeqCst) {
            self.leave();
            return Err(errors::closed(env, "SyncEvent"));
        }
        Ok(())
    }

    /// Releases the slot; a close that came meanwhile is completed here.
    fn leave(&self) {
        if self.is_closed() {
            self.release();
        }
        self.waiter_here.store(false, Ordering::SeqCst);
        self.waiting.store(false, Ordering::Release);
    }

    /// Closes the fd and frees the slot (the caller holds an `Arc` of this).
    fn release(&self) {
        drop(self.event.write().unwrap_or_else(|e| e.into_inner()).take());
        drop(SYNC_EVENTS.remove(self.key.load(Ordering::Acquire)));
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
        if self.closing.swap(true, Ordering::SeqCst) {
            return;
        }
        // Nobody waiting: close the fd now (holding the slot keeps a waiter from starting).
        if !self.waiting.swap(true, Ordering::SeqCst) {
            self.leave();
            return;
        }
        if !self.waiter_here.load(Ordering::SeqCst) {
            // The waiter waits on a clone: this fd is nobody's.
            self.release();
            return;
        }
        // Wake the waiter, which finds the event closing; the fd stays open until it has left.
        // Only then: the event may be shared with another process (fromFd), or with a clone's
        // waiter, which must not see a signal for a close.
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

#[napi]
pub fn sync_event_new(env: Env) -> napi::Result<f64> {
    let event = Event::new().map_err(|e| errors::system(&env, &e))?;
    SyncEventShared::insert(&env, event, Arc::new(AtomicBool::new(false)))
}

/// `SyncEvent.fromHandle(handle)`: the key the handle names (no new native state).
#[napi]
pub fn sync_event_from_handle(env: Env, handle: String) -> napi::Result<f64> {
    let Some(key) = handles::parse(Kind::SyncEvent, &handle) else {
        return Err(errors::invalid_handle(&env, "SyncEvent"));
    };
    match SYNC_EVENTS.get(key) {
        Some(shared) if !shared.is_closed() => Ok(key as f64),
        _ => Err(errors::closed(&env, "SyncEvent")),
    }
}

#[napi]
pub fn sync_event_handle(env: Env, key: f64) -> napi::Result<String> {
    shared(&env, key)?.with(&env, |_| Ok(()))?;
    Ok(handles::handle(Kind::SyncEvent, key as u64))
}

#[napi]
pub fn sync_event_closed(key: f64) -> bool {
    slots::key(key)
        .and_then(|key| SYNC_EVENTS.get(key))
        .is_none_or(|shared| shared.is_closed())
}

/// The event's own fd (readable while signalled), for a hidden Poll of `waitAsync`.
/// `ENOTSUP` where the event has none (Windows: an event object).
#[napi]
pub fn sync_event_fd(env: Env, key: f64) -> napi::Result<i32> {
    shared(&env, key)?.with(&env, |event| {
        let why = "this platform's events have no fd for the event loop to watch";
        blocking_wait::wait_async_fd(&env, event.as_pollable(), why)
    })
}

#[napi]
pub fn sync_event_signal(env: Env, key: f64) -> napi::Result<()> {
    shared(&env, key)?.with(&env, |event| {
        event.signal().map_err(|e| errors::system(&env, &e))
    })
}

#[napi]
pub fn sync_event_reset(env: Env, key: f64) -> napi::Result<()> {
    shared(&env, key)?.with(&env, |event| {
        event.reset().map_err(|e| errors::system(&env, &e))
    })
}

/// Another event for the same signal (its own fd, key and registration, the same waiter rule).
#[napi]
pub fn sync_event_try_clone(env: Env, key: f64) -> napi::Result<f64> {
    let shared = shared(&env, key)?;
    let clone = shared.with(&env, |event| {
        event.try_clone().map_err(|e| errors::system(&env, &e))
    })?;
    SyncEventShared::insert(&env, clone, Arc::clone(&shared.waiting))
}

/// The clone that a JavaScript object's `waitAsync` watches (lib/sync-event.ts): as
/// `tryClone`, but this thread's, so that its teardown closes it if the object did not.
#[napi]
pub fn sync_event_hidden_clone(env: Env, key: f64) -> napi::Result<f64> {
    let clone = sync_event_try_clone(env, key)?;
    if let Some(shared) = slots::key(clone).and_then(|key| SYNC_EVENTS.get(key)) {
        thread_held::hold(Box::new(HiddenClone(shared)));
    }
    Ok(clone)
}

/// Claims the one-waiter slot for an async wait (lib/sync-event.ts): `EBUSY` if taken.
#[napi]
pub fn sync_event_begin_wait(env: Env, key: f64) -> napi::Result<()> {
    let shared = shared(&env, key)?;
    shared.enter(&env)?;
    // Released by syncEventEndWait, or by this thread's teardown if it is terminated first.
    thread_held::hold(Box::new(AsyncClaim(shared)));
    Ok(())
}

/// Releases the slot claimed by `syncEventBeginWait` on this thread.
#[napi]
pub fn sync_event_end_wait(key: f64) {
    if let Some(shared) = slots::key(key).and_then(|key| SYNC_EVENTS.get(key)) {
        if thread_held::forget(Arc::as_ptr(&shared).cast(), Role::WaitClaim) {
            shared.leave();
        }
    }
}

/// An async wait's claim of an event's one-waiter slot, held by its thread (thread_held.rs).
struct AsyncClaim(Arc<SyncEventShared>);

impl thread_held::Held for AsyncClaim {
    fn id(&self) -> (*const (), Role) {
        (Arc::as_ptr(&self.0).cast(), Role::WaitClaim)
    }

    fn give_back(&self) {
        self.0.leave();
    }
}

/// The hidden clone of a `waitAsync` (`syncEventHiddenClone`), held by its thread until closed.
struct HiddenClone(Arc<SyncEventShared>);

impl thread_held::Held for HiddenClone {
    fn id(&self) -> (*const (), Role) {
        (Arc::as_ptr(&self.0).cast(), Role::HiddenClone)
    }

    fn give_back(&self) {
        self.0.close();
    }
}

/// Consumes the signal if there is one, without blocking.
#[napi]
pub fn sync_event_try_consume(env: Env, key: f64) -> napi::Result<bool> {
    match shared(&env, key)?.try_consume(Duration::ZERO) {
        Ok(Some(Consumed::Signaled)) => Ok(true),
        Ok(None) => Ok(false),
        Ok(Some(Consumed::Closed)) => Err(errors::closed(&env, "SyncEvent")),
        Err(e) => Err(errors::system(&env, &e)),
    }
}

/// Ends it for every worker (a thread waiting on it wakes with `ERR_CLOSED`); its fd and slot
/// are freed now, or by its waiter when it leaves. Idempotent.
#[napi]
pub fn sync_event_close(key: f64) {
    if let Some(shared) = slots::key(key).and_then(|key| SYNC_EVENTS.get(key)) {
        // A hidden clone is no longer this thread's to close at its teardown.
        thread_held::forget(Arc::as_ptr(&shared).cast(), Role::HiddenClone);
        shared.close();
    }
}
