//! `Timer`: crosvm's `base::Timer` (`wakepoll::sync::Timer`) for JavaScript, across workers.
//!
//! Each Timer sits in the [`TIMERS`] slab (slots.rs) until `close()`, in any worker, as a
//! SyncEvent does; its JavaScript objects — the first, and each `fromHandle` — are plain data
//! holding the key, and the handle string is that key under the handle table's tag. An `Arc`
//! in the slot, because a wait holds it outside the slot's lock. `close()` closes the timer's
//! fd and frees the slot there and then (or, if a thread is waiting, as soon as that wait has
//! left), never by a finalizer.
//!
//! One waiter at a time across every JavaScript object of one Timer: the binding's own guard
//! (`waiting`) is held for the whole wait, blocking or async, because a blocking wait runs in
//! blocking_wait.rs (so that Node can stop the thread) and only takes the core's guard for each
//! non-blocking attempt. Closing while someone waits arms the timer to fire at once, which
//! wakes the waiter; it finds the Timer closing and reports `ERR_CLOSED`. The blocking wait is
//! a plain Node-API call (fast.rs's `timerWait`), like `poll`, so that a termination it returns
//! into stays pending for Node.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use napi::Env;
use napi_derive::napi;
use wakepoll::sync::Timer;

use crate::handles::{self, Kind};
use crate::registry::{change, with_registrar};
use crate::slots::{self, Slab};
use crate::thread_held::{self, Role};
use crate::{blocking_wait, errors};

/// Every open Timer of the process.
pub(crate) static TIMERS: Slab<Arc<TimerShared>> = Slab::new();

/// The open Timer of `key`, or `ERR_CLOSED`.
pub(crate) fn shared(env: &Env, key: f64) -> napi::Result<Arc<TimerShared>> {
    slots::key(key)
        .and_then(|key| TIMERS.get(key))
        .filter(|shared| !shared.is_closed())
        .ok_or_else(|| errors::closed(env, "Timer"))
}

/// The Timer of `key` even while closing (a waiter that must leave, a repeated close).
fn found(key: f64) -> Option<Arc<TimerShared>> {
    slots::key(key).and_then(|key| TIMERS.get(key))
}

pub(crate) struct TimerShared {
    /// Its key in [`TIMERS`] (set once, right after the insert): the slot is removed when the
    /// fd is closed, by `close()` or by the waiter that `close()` left it to.
    key: AtomicU64,
    timer: RwLock<Option<Timer>>,
    waiting: AtomicBool,
    closing: AtomicBool,
}

/// What a non-blocking attempt found.
enum Consumed {
    Fired(u64),
    Closed,
}

impl TimerShared {
    /// Runs `f` with the open timer, or fails with `ERR_CLOSED`.
    pub(crate) fn with<T>(
        &self,
        env: &Env,
        f: impl FnOnce(&Timer) -> napi::Result<T>,
    ) -> napi::Result<T> {
        let timer = self.timer.read().unwrap_or_else(|e| e.into_inner());
        match timer.as_ref() {
            Some(timer) if !self.is_closed() => f(timer),
            _ => Err(errors::closed(env, "Timer")),
        }
    }

    fn is_closed(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }

    /// Claims the one-waiter slot: `EBUSY` if taken, `ERR_CLOSED` if closed.
    fn enter(&self, env: &Env) -> napi::Result<()> {
        if self.waiting.swap(true, Ordering::SeqCst) {
            let err =
                wakepoll::error::busy("wait", "another thread is already waiting on this timer");
            return Err(errors::system(env, &err));
        }
        if self.is_closed() {
            self.leave();
            return Err(errors::closed(env, "Timer"));
        }
        Ok(())
    }

    /// Releases the slot; a close that came meanwhile (and left the end to the waiter) is
    /// completed here. SeqCst with `close`: one of the two always sees the other.
    fn leave(&self) {
        self.waiting.store(false, Ordering::SeqCst);
        if self.closing.load(Ordering::SeqCst) && !self.waiting.swap(true, Ordering::SeqCst) {
            self.finish();
        }
    }

    /// Closes the timer's fd and frees its slot (the caller holds an `Arc` of this).
    fn finish(&self) {
        drop(self.timer.write().unwrap_or_else(|e| e.into_inner()).take());
        drop(TIMERS.remove(self.key.load(Ordering::Acquire)));
    }

    /// Consumes the expirations that come within `timeout` (`ZERO`: only those there now).
    fn try_consume(&self, timeout: Duration) -> std::io::Result<Option<Consumed>> {
        if self.is_closed() {
            return Ok(Some(Consumed::Closed));
        }
        let timer = self.timer.read().unwrap_or_else(|e| e.into_inner());
        let Some(timer) = timer.as_ref() else {
            return Ok(Some(Consumed::Closed));
        };
        let count = timer.wait_timeout(timeout)?;
        Ok(match count {
            0 => None,
            // The expiration may have been close()'s wake-up call.
            _ if self.is_closed() => Some(Consumed::Closed),
            n => Some(Consumed::Fired(n)),
        })
    }

    /// The blocking wait (fast.rs calls it): how many expirations it consumed, 0 when
    /// `timeout_ms` passed first (`None`: no limit). `EBUSY` for a second waiter, `ERR_CLOSED`
    /// if closed.
    pub(crate) fn wait(&self, env: &Env, timeout_ms: Option<f64>) -> napi::Result<u64> {
        self.enter(env)?;
        let outcome = self.wait_entered(env, timeout_ms);
        self.leave();
        outcome
    }

    fn wait_entered(&self, env: &Env, timeout_ms: Option<f64>) -> napi::Result<u64> {
        let timeout = timeout_ms.and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok());
        let target = self.with(env, |timer| Ok(timer.as_pollable()))?;
        match blocking_wait::wait_for(env, target, timeout, |t| self.try_consume(t))? {
            Some(Consumed::Closed) => Err(errors::closed(env, "Timer")),
            Some(Consumed::Fired(n)) => Ok(n),
            None => Ok(0),
        }
    }

    fn close(&self) {
        if self.closing.swap(true, Ordering::SeqCst) {
            return;
        }
        // Nobody waiting: close the fd now (holding the slot keeps a waiter from starting).
        if !self.waiting.swap(true, Ordering::SeqCst) {
            self.finish();
            return;
        }
        // Wake the waiter, which finds the timer closing and completes the close as it leaves:
        // until then the slot keeps the timer, and its fd, alive (an async waiter holds only
        // the key, and a closed fd would leave its hidden Poll waiting forever).
        if let Some(timer) = self
            .timer
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let _ = timer.reset(Duration::ZERO, None);
        }
    }
}

/// An async wait's claim of a Timer's one-waiter slot, held by its thread (thread_held.rs).
struct AsyncClaim(Arc<TimerShared>);

impl thread_held::Held for AsyncClaim {
    fn id(&self) -> (*const (), Role) {
        (Arc::as_ptr(&self.0).cast(), Role::WaitClaim)
    }

    fn give_back(&self) {
        self.0.leave();
    }
}

/// A duration in milliseconds (validated by lib/timer.ts: finite, ≥ 0), rounded **up** to
/// whole nanoseconds so that a timer is never early.
fn duration(env: &Env, name: &str, ms: f64) -> napi::Result<Duration> {
    let nanos = (ms * 1_000_000.0).ceil();
    if !(0.0..=u64::MAX as f64).contains(&nanos) {
        return Err(errors::out_of_range(env, name, "a finite number ≥ 0"));
    }
    Ok(Duration::from_nanos(nanos as u64))
}

/// Makes a Timer (not armed); its key.
#[napi]
pub fn timer_new(env: Env) -> napi::Result<f64> {
    let timer = Timer::new().map_err(|e| errors::system(&env, &e))?;
    let shared = Arc::new(TimerShared {
        key: AtomicU64::new(0),
        timer: RwLock::new(Some(timer)),
        waiting: AtomicBool::new(false),
        closing: AtomicBool::new(false),
    });
    let key = TIMERS
        .insert(Arc::clone(&shared))
        .ok_or_else(|| slots::full(&env, "Timer"))?;
    shared.key.store(key, Ordering::Release);
    Ok(key as f64)
}

/// `Timer.fromHandle(handle)`: the key the handle names (no new native state).
#[napi]
pub fn timer_from_handle(env: Env, handle: String) -> napi::Result<f64> {
    let Some(key) = handles::parse(Kind::Timer, &handle) else {
        return Err(errors::invalid_handle(&env, "Timer"));
    };
    shared(&env, key as f64).map(|_| key as f64)
}

#[napi]
pub fn timer_handle(env: Env, key: f64) -> napi::Result<String> {
    shared(&env, key)?;
    Ok(handles::handle(Kind::Timer, key as u64))
}

#[napi]
pub fn timer_reset(
    env: Env,
    key: f64,
    delay_ms: f64,
    interval_ms: Option<f64>,
) -> napi::Result<()> {
    let delay = duration(&env, "delay", delay_ms)?;
    let interval = match interval_ms {
        Some(ms) => Some(duration(&env, "interval", ms)?),
        None => None,
    };
    shared(&env, key)?.with(&env, |timer| {
        timer
            .reset(delay, interval)
            .map_err(|e| errors::system(&env, &e))
    })
}

#[napi]
pub fn timer_clear(env: Env, key: f64) -> napi::Result<()> {
    shared(&env, key)?.with(&env, |timer| {
        timer.clear().map_err(|e| errors::system(&env, &e))
    })
}

/// Claims the one-waiter slot for an async wait (lib/timer.ts): `EBUSY` if taken.
#[napi]
pub fn timer_begin_wait(env: Env, key: f64) -> napi::Result<()> {
    let shared = shared(&env, key)?;
    shared.enter(&env)?;
    // Released by timerEndWait, or by this thread's teardown if it is terminated first.
    thread_held::hold(Box::new(AsyncClaim(shared)));
    Ok(())
}

/// Releases the slot claimed by `timerBeginWait`. A closed Timer's slot is released by
/// whoever completes the close, so a missing one is fine.
#[napi]
pub fn timer_end_wait(key: f64) {
    if let Some(shared) = found(key) {
        if thread_held::forget(Arc::as_ptr(&shared).cast(), Role::WaitClaim) {
            shared.leave();
        }
    }
}

/// Consumes the expirations there are, without blocking; how many.
#[napi]
pub fn timer_try_consume(env: Env, key: f64) -> napi::Result<f64> {
    match shared(&env, key)?.try_consume(Duration::ZERO) {
        Ok(Some(Consumed::Fired(n))) => Ok(n as f64),
        Ok(None) => Ok(0.0),
        Ok(Some(Consumed::Closed)) => Err(errors::closed(&env, "Timer")),
        Err(e) => Err(errors::system(&env, &e)),
    }
}

/// The Timer's own fd (readable when it has fired), for the hidden Poll of `waitAsync`.
/// `ENOTSUP` where it has none (Windows: a waitable timer).
#[napi]
pub fn timer_fd(env: Env, key: f64) -> napi::Result<i32> {
    shared(&env, key)?.with(&env, |timer| {
        let why = "this platform's timers have no fd for the event loop to watch";
        blocking_wait::wait_async_fd(&env, timer.as_pollable(), why)
    })
}

/// The descriptor that carries the timer to another process (`sendWithFds`): its timerfd on
/// Linux; `ENOTSUP` elsewhere.
#[napi]
pub fn timer_descriptor(env: Env, key: f64) -> napi::Result<f64> {
    shared(&env, key)?.with(&env, |timer| {
        timer
            .as_raw_descriptor()
            .map(|fd| fd as f64)
            .ok_or_else(|| {
                let why = "this platform's Timer has no descriptor to send (Linux: its timerfd)";
                errors::system(&env, &wakepoll::error::unsupported("sendmsg", why))
            })
    })
}

#[napi]
pub fn timer_closed(key: f64) -> bool {
    found(key).is_none_or(|shared| shared.is_closed())
}

/// Ends it for every worker; a thread waiting on it wakes with `ERR_CLOSED`. Idempotent.
#[napi]
pub fn timer_close(key: f64) {
    if let Some(shared) = found(key) {
        shared.close();
    }
}

/// A Timer as a source of a Poll or a WaitContext (`registrar`, see registry.rs): `op` 0
/// register, 1 reregister, 2 deregister (token and interest ignored) of the Timer of key
/// `timer`.
#[napi]
pub fn registry_timer(
    env: Env,
    registrar: f64,
    op: u32,
    timer: f64,
    token: f64,
    interest_bits: u32,
) -> napi::Result<()> {
    shared(&env, timer)?.with(&env, |mut timer| match op {
        0 => change(
            &env,
            registrar,
            token,
            interest_bits,
            |registry, token, interest| registry.register(&mut timer, token, interest),
        ),
        1 => change(
            &env,
            registrar,
            token,
            interest_bits,
            |registry, token, interest| registry.reregister(&mut timer, token, interest),
        ),
        _ => with_registrar(&env, registrar, |registry| {
            registry
                .deregister(&mut timer)
                .map_err(|e| errors::system(&env, &e))
        }),
    })
}
