//! `NativePoll`: the JavaScript Poll's native half (lib/poll.ts wraps it).
//!
//! The state lives in an `Arc<PollShared>` so that a Registry in another worker, Wakers and a
//! closing thread can reach it while one thread blocks in `poll`:
//! * `poller` (the core Poll + its event buffer) is a Mutex taken with `try_lock`: a second
//!   thread entering `poll` gets `EBUSY` at once, never undefined behaviour;
//! * `registry` is an RwLock so registrations from any worker proceed during a blocking poll,
//!   and `close()` can take it away (later use → `ERR_CLOSED`);
//! * `closer` is a Waker with a token above every JavaScript token: `close()` fires it so that
//!   a thread blocked in `poll` returns at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, TryLockError, Weak};
use std::time::Duration;

use napi::bindgen_prelude::{Float64ArraySlice, Uint8ArraySlice};
use napi::Env;
use napi_derive::napi;

use crate::handles::{self, Kind};
use crate::registry::NativeRegistry;
use crate::token::CLOSE_TOKEN;
use crate::waker::WakerShared;
use crate::{errors, events};

struct Poller {
    poll: wakepoll::Poll,
    events: wakepoll::Events,
}

pub(crate) struct PollShared {
    /// The handle-table id of this Poll's registry.
    pub(crate) id: u64,
    closed: AtomicBool,
    poller: Mutex<Option<Poller>>,
    registry: RwLock<Option<wakepoll::Registry>>,
    closer: wakepoll::Waker,
    wakers: Mutex<Vec<Weak<WakerShared>>>,
}

impl PollShared {
    /// Runs `f` with the core registry, or fails with `ERR_CLOSED`.
    pub(crate) fn with_registry<T>(
        &self,
        env: &Env,
        f: impl FnOnce(&wakepoll::Registry) -> napi::Result<T>,
    ) -> napi::Result<T> {
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        match registry.as_ref() {
            Some(registry) => f(registry),
            None => Err(errors::closed(env, "Poll")),
        }
    }

    /// Remembers a Waker so that `close()` ends it too.
    pub(crate) fn adopt_waker(&self, waker: &Arc<WakerShared>) {
        let mut wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        // Forget closed Wakers now and then, so the list tracks the live ones.
        if wakers.len() >= 16 && wakers.len().is_power_of_two() {
            wakers.retain(|w| w.upgrade().is_some_and(|w| !w.is_closed()));
        }
        wakers.push(Arc::downgrade(waker));
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    fn close(&self) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        // Wake a blocked poll first; it sees `closed` and returns.
        let _ = self.closer.wake();
        // No new Waker can be made once the registry is gone.
        let registry = self
            .registry
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        self.end_wakers_and_handle();
        // Waits for a poll in progress to notice the closer, then releases the selector.
        let poller = self.poller.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop((registry, poller));
    }

    /// Ends every Waker of this Poll (for all their holders) and forgets the Registry handle.
    fn end_wakers_and_handle(&self) {
        let wakers = std::mem::take(&mut *self.wakers.lock().unwrap_or_else(|e| e.into_inner()));
        for waker in wakers.iter().filter_map(Weak::upgrade) {
            waker.close();
        }
        handles::remove(self.id);
    }
}

impl Drop for PollShared {
    /// No JavaScript object of this Poll is left in any worker — no Poll, Registry or Waker
    /// object (a Poll object is gone with its thread, since Polls cannot cross workers): nothing
    /// can poll it again, so it ends like `close()` and its fds return. Wakers end with it: the
    /// handle table holds them strongly, and only this makes collected Polls give their
    /// Wakers' fds back.
    fn drop(&mut self) {
        self.end_wakers_and_handle();
    }
}

/// The native half of `Poll`.
#[napi]
pub struct NativePoll {
    shared: Arc<PollShared>,
}

#[napi]
impl NativePoll {
    #[napi(constructor)]
    pub fn new(env: Env) -> napi::Result<NativePoll> {
        let poll = wakepoll::Poll::new().map_err(|e| errors::system(&env, &e))?;
        let registry = poll
            .registry()
            .try_clone()
            .map_err(|e| errors::system(&env, &e))?;
        let closer =
            wakepoll::Waker::new(&registry, CLOSE_TOKEN).map_err(|e| errors::system(&env, &e))?;
        let id = handles::next_id();
        let shared = Arc::new(PollShared {
            id,
            closed: AtomicBool::new(false),
            poller: Mutex::new(Some(Poller {
                poll,
                events: wakepoll::Events::with_capacity(0),
            })),
            registry: RwLock::new(Some(registry)),
            closer,
            wakers: Mutex::new(Vec::new()),
        });
        handles::insert_weak(Kind::Registry, id, &shared);
        Ok(NativePoll { shared })
    }

    /// The registry of this Poll (a new native object each call; lib/poll.ts caches one).
    #[napi]
    pub fn registry(&self) -> NativeRegistry {
        NativeRegistry::new(Arc::clone(&self.shared))
    }

    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.shared.is_closed()
    }

    /// Waits, then writes tokens and flag bytes in place; returns how many events it wrote.
    /// `timeout_ms`: `null` waits forever; fractions round up.
    #[napi]
    pub fn poll(
        &self,
        env: Env,
        mut tokens: Float64ArraySlice,
        mut flags: Uint8ArraySlice,
        timeout_ms: Option<f64>,
    ) -> napi::Result<u32> {
        let shared = &self.shared;
        let mut guard = match shared.poller.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::WouldBlock) => {
                let err =
                    wakepoll::error::busy("poll", "another thread is already polling this Poll");
                return Err(errors::system(&env, &err));
            }
            Err(TryLockError::Poisoned(e)) => e.into_inner(),
        };
        let poller = match guard.as_mut() {
            Some(poller) if !shared.is_closed() => poller,
            _ => return Err(errors::closed(&env, "Poll")),
        };
        let timeout = timeout_from_ms(&env, timeout_ms)?;
        let capacity = tokens.len().min(flags.len());
        if capacity == 0 {
            return Err(errors::out_of_range(&env, "events.capacity", ">= 1"));
        }
        if poller.events.capacity() != capacity {
            poller.events = wakepoll::Events::with_capacity(capacity);
        }
        poller
            .poll
            .poll(&mut poller.events, timeout)
            .map_err(|e| errors::system(&env, &e))?;
        if shared.is_closed() {
            return Err(errors::closed(&env, "Poll"));
        }
        // SAFETY: the arrays belong to an `Events` of this thread (never a shared buffer), and this
        // thread's JavaScript is blocked in this call, so no one else reads or writes them while
        // these slices live; napi keeps the values alive for the duration of the call.
        let (tokens, flags) = unsafe { (tokens.as_mut(), flags.as_mut()) };
        let mut n = 0;
        for event in poller.events.iter() {
            let token = event.token();
            if token == CLOSE_TOKEN {
                continue;
            }
            tokens[n] = token.0 as f64;
            flags[n] = events::flags(event);
            n += 1;
        }
        Ok(n as u32)
    }

    /// Closes the selector and every Waker of this Poll, waking a blocked `poll`. Idempotent.
    #[napi]
    pub fn close(&self) {
        self.shared.close();
    }
}

/// Milliseconds (never negative or NaN: JavaScript checked) to a Duration; too large to
/// represent waits forever.
fn timeout_from_ms(env: &Env, timeout_ms: Option<f64>) -> napi::Result<Option<Duration>> {
    match timeout_ms {
        None => Ok(None),
        Some(ms) if ms.is_nan() || ms < 0.0 => Err(errors::out_of_range(env, "timeout", ">= 0")),
        Some(ms) => Ok(Duration::try_from_secs_f64(ms / 1000.0).ok()),
    }
}
