//! `Timer`: crosvm's `base::Timer` (`wakepoll::sync::Timer`) for JavaScript, across workers.
//!
//! The shape #13 sets for new binding objects (/work/notes/mem-design.md): no napi class
//! instance and no external per object. The JavaScript object (lib/timer.ts) holds the Timer's
//! handle string, which names its entry in the process-wide handle table (held strongly, as a
//! SyncEvent's: it lives until `close()`, in any worker); every call here is a free function
//! that takes that handle. `close()` removes the entry: the timerfd is closed there and then
//! (or, if a thread is waiting, as soon as that wait has left), never by a finalizer.
//!
//! One waiter at a time across every JavaScript object of one Timer: the binding's own guard
//! (`waiting`) is held for the whole wait, blocking or async, because a blocking wait runs in
//! blocking_wait.rs (so that Node can stop the thread) and only takes the core's guard for each
//! non-blocking attempt. Closing while someone waits arms the timer to fire at once, which
//! wakes the waiter; it finds the Timer closing and reports `ERR_CLOSED`.

// The free `#[napi]` functions are registered by napi-derive's module init, which a test
// build of this crate does not have: there they look unused.
#![cfg_attr(test, allow(dead_code))]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use napi::Env;
use napi_derive::napi;
use wakepoll::sync::Timer;

use crate::handles::{self, Kind, Lookup};
use crate::registry::NativeRegistry;
use crate::{blocking_wait, errors, thread_stop};

pub(crate) struct TimerShared {
    id: u64,
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

    /// Closes the timer's fd and forgets the handle.
    fn finish(&self) {
        drop(self.timer.write().unwrap_or_else(|e| e.into_inner()).take());
        handles::remove(self.id);
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

    fn wait(&self, env: &Env, timeout_ms: Option<f64>) -> napi::Result<u64> {
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
        // until then the handle table keeps the timer, and its fd, alive (an async waiter
        // holds only the handle, and a closed fd would leave its hidden Poll waiting forever).
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

/// The live Timer of `handle`: `ERR_INVALID_HANDLE` for a forged one, `ERR_CLOSED` for a
/// closed one.
pub(crate) fn lookup(env: &Env, handle: &str) -> napi::Result<Arc<TimerShared>> {
    match handles::lookup::<TimerShared>(Kind::Timer, handle) {
        Ok(shared) if !shared.is_closed() => Ok(shared),
        Ok(_) | Err(Lookup::Closed) => Err(errors::closed(env, "Timer")),
        Err(Lookup::Invalid) => Err(errors::invalid_handle(env, "Timer")),
    }
}

/// Runs `f` with the open core Timer of `handle`.
pub(crate) fn with_timer<T>(
    env: &Env,
    handle: &str,
    f: impl FnOnce(&Timer) -> napi::Result<T>,
) -> napi::Result<T> {
    lookup(env, handle)?.with(env, f)
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

/// Makes a Timer (not armed); its handle.
#[napi]
pub fn timer_new(env: Env) -> napi::Result<String> {
    let timer = Timer::new().map_err(|e| errors::system(&env, &e))?;
    let id = handles::next_id();
    let shared = Arc::new(TimerShared {
        id,
        timer: RwLock::new(Some(timer)),
        waiting: AtomicBool::new(false),
        closing: AtomicBool::new(false),
    });
    handles::insert_strong(Kind::Timer, id, shared);
    Ok(handles::handle(Kind::Timer, id))
}

/// Checks that `handle` names a live Timer (for `Timer.fromHandle`).
#[napi]
pub fn timer_check(env: Env, handle: String) -> napi::Result<()> {
    lookup(&env, &handle).map(drop)
}

#[napi]
pub fn timer_reset(
    env: Env,
    handle: String,
    delay_ms: f64,
    interval_ms: Option<f64>,
) -> napi::Result<()> {
    let delay = duration(&env, "delay", delay_ms)?;
    let interval = match interval_ms {
        Some(ms) => Some(duration(&env, "interval", ms)?),
        None => None,
    };
    with_timer(&env, &handle, |timer| {
        timer
            .reset(delay, interval)
            .map_err(|e| errors::system(&env, &e))
    })
}

#[napi]
pub fn timer_clear(env: Env, handle: String) -> napi::Result<()> {
    with_timer(&env, &handle, |timer| {
        timer.clear().map_err(|e| errors::system(&env, &e))
    })
}

/// The blocking wait: how many expirations it consumed (0: the timeout passed first), or -1
/// when Node stopped the thread under it (lib/thread-stop.ts's `STOPPING`).
#[napi]
pub fn timer_wait(env: Env, handle: String, timeout_ms: Option<f64>) -> napi::Result<f64> {
    let shared = lookup(&env, &handle)?;
    match shared.wait(&env, timeout_ms) {
        Ok(count) => Ok(count as f64),
        Err(err) if thread_stop::is_stopping_error(&err) => Ok(-1.0),
        Err(err) => Err(err),
    }
}

/// Claims the one-waiter slot for an async wait (lib/timer.ts): `EBUSY` if taken.
#[napi]
pub fn timer_begin_wait(env: Env, handle: String) -> napi::Result<()> {
    lookup(&env, &handle)?.enter(&env)
}

/// Releases the slot claimed by `timerBeginWait`. A closed Timer's slot was released by
/// whoever completes the close, so a missing one is fine.
#[napi]
pub fn timer_end_wait(handle: String) {
    if let Ok(shared) = handles::lookup::<TimerShared>(Kind::Timer, &handle) {
        shared.leave();
    }
}

/// Consumes the expirations there are, without blocking; how many.
#[napi]
pub fn timer_try_consume(env: Env, handle: String) -> napi::Result<f64> {
    match lookup(&env, &handle)?.try_consume(Duration::ZERO) {
        Ok(Some(Consumed::Fired(n))) => Ok(n as f64),
        Ok(None) => Ok(0.0),
        Ok(Some(Consumed::Closed)) => Err(errors::closed(&env, "Timer")),
        Err(e) => Err(errors::system(&env, &e)),
    }
}

/// The Timer's own fd (readable when it has fired), for the hidden Poll of `waitAsync`.
/// `ENOTSUP` where it has none (Windows: a waitable timer).
#[napi]
pub fn timer_fd(env: Env, handle: String) -> napi::Result<i32> {
    with_timer(&env, &handle, |timer| {
        // The identity on Unix; a Windows handle would need narrowing (there is none).
        #[allow(clippy::useless_conversion)]
        let fd = timer.as_pollable().and_then(|fd| i32::try_from(fd).ok());
        fd.ok_or_else(|| {
            let err = wakepoll::error::unsupported(
                "waitAsync",
                "this platform's timers have no fd for the event loop to watch",
            );
            errors::system(&env, &err)
        })
    })
}

#[napi]
pub fn timer_closed(handle: String) -> bool {
    !matches!(
        handles::lookup::<TimerShared>(Kind::Timer, &handle),
        Ok(shared) if !shared.is_closed()
    )
}

/// Ends it for every worker; a thread waiting on it wakes with `ERR_CLOSED`. Idempotent.
#[napi]
pub fn timer_close(handle: String) {
    if let Ok(shared) = handles::lookup::<TimerShared>(Kind::Timer, &handle) {
        shared.close();
    }
}

/// A Timer as a source of a Poll: `registry.register(timer, token, interest)` lands here.
#[napi]
impl NativeRegistry {
    #[napi]
    pub fn register_timer(
        &self,
        env: Env,
        timer: String,
        token: f64,
        interest_bits: u32,
    ) -> napi::Result<()> {
        with_timer(&env, &timer, |mut timer| {
            self.change(&env, token, interest_bits, |registry, token, interest| {
                registry.register(&mut timer, token, interest)
            })
        })
    }

    #[napi]
    pub fn reregister_timer(
        &self,
        env: Env,
        timer: String,
        token: f64,
        interest_bits: u32,
    ) -> napi::Result<()> {
        with_timer(&env, &timer, |mut timer| {
            self.change(&env, token, interest_bits, |registry, token, interest| {
                registry.reregister(&mut timer, token, interest)
            })
        })
    }

    #[napi]
    pub fn deregister_timer(&self, env: Env, timer: String) -> napi::Result<()> {
        with_timer(&env, &timer, |mut timer| {
            self.shared.with_registry(&env, |registry| {
                registry
                    .deregister(&mut timer)
                    .map_err(|e| errors::system(&env, &e))
            })
        })
    }
}
