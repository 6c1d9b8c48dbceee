//! Poll: the native half of lib/poll.ts's Poll (and of every Registry of it).
//!
//! The state lives in an `Arc<PollShared>` in the [`POLLS`] slab (slots.rs): the JavaScript
//! Poll and its Registry objects (in any worker) hold its key; `close()` removes it from the
//! slab, a garbage-collected Poll object's FinalizationRegistry callback (lib/poll.ts) too, and
//! the thread's teardown (lib.rs) removes those its thread still owns. An `Arc` because a
//! pending pollAsync and a blocking `poll` hold it outside the slot's lock. Inside it:
//! * `poller` (the core Poll + its event buffer) is a Mutex taken with `try_lock`: a second
//!   thread entering `poll` gets `EBUSY` at once, never undefined behaviour;
//! * `registry` is an RwLock so registrations from any worker proceed during a blocking poll,
//!   and `close()` can take it away (later use → `ERR_CLOSED`);
//! * `closer` is a Waker with a token above every JavaScript token: `close()` fires it so that
//!   a thread blocked in `poll` returns at once;
//! * `watch` is the libuv handle that pollAsync keeps on the selector across waits
//!   (poll_watch.rs), closed by `close()`, by the collection of the Poll object and by the
//!   thread's teardown.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, TryLockError};
use std::time::{Duration, Instant};

use napi::Env;
use napi_derive::napi;

use wakepoll::event::{RawSource, SourceRaw};
use wakepoll::Interest;

use crate::handles::{self, Kind};
use crate::slots::{self, Slab};
use crate::thread_stop::{self, LOOP_TOKEN};
use crate::token::CLOSE_TOKEN;
use crate::{errors, events, waker_table};

/// Every open Poll of the process.
pub(crate) static POLLS: Slab<Arc<PollShared>> = Slab::new();

pub(crate) struct Poller {
    poll: wakepoll::Poll,
    events: wakepoll::Events,
}

/// What one collection of events found, beyond the events it copied out.
pub(crate) struct Collected {
    /// Events written to the JavaScript arrays.
    pub(crate) count: usize,
    /// The thread's libuv loop had activity (see thread_stop.rs).
    pub(crate) loop_activity: bool,
}

impl Poller {
    /// Waits (as `wakepoll::Poll::poll`) into the core buffer, sized to the JavaScript one.
    pub(crate) fn wait(
        &mut self,
        capacity: usize,
        timeout: Option<Duration>,
    ) -> std::io::Result<()> {
        if self.events.capacity() != capacity {
            self.events = wakepoll::Events::with_capacity(capacity);
        }
        self.poll.poll(&mut self.events, timeout)
    }

    /// Copies the last wait's events into the arrays of a JavaScript `Events`, leaving out the
    /// binding's own tokens.
    pub(crate) fn copy_out(&self, tokens: &mut [f64], flags: &mut [u8]) -> Collected {
        let mut collected = Collected {
            count: 0,
            loop_activity: false,
        };
        for event in self.events.iter() {
            match event.token() {
                CLOSE_TOKEN => {}
                LOOP_TOKEN => collected.loop_activity = true,
                token => {
                    let n = collected.count;
                    if n < tokens.len() && n < flags.len() {
                        tokens[n] = token.0 as f64;
                        flags[n] = events::flags(event);
                        collected.count += 1;
                    }
                }
            }
        }
        collected
    }
}

pub(crate) struct PollShared {
    /// The handle-table id of this Poll's registry.
    pub(crate) id: u64,
    /// Its key in [`POLLS`] (set once, right after the insert).
    pub(crate) key: AtomicU64,
    closed: AtomicBool,
    pub(crate) poller: Mutex<Option<Poller>>,
    registry: RwLock<Option<wakepoll::Registry>>,
    /// Taken by `close()`: every reference to the selector must go, so that the sources that
    /// were registered with it count as registered nowhere.
    closer: Mutex<Option<wakepoll::Waker>>,
    /// The keys of its Wakers (slots of `waker_table::WAKERS`), ended with it.
    wakers: Mutex<Vec<u64>>,
    /// The libuv loop fd of the thread that owns this Poll, and whether the selector watches
    /// it now (registered at the first blocking poll; see thread_stop.rs).
    loop_fd: Option<RawSource>,
    loop_watched: AtomicBool,
    /// A pollAsync in progress (poll_async.rs), owned by this Poll's thread.
    pub(crate) pending: Mutex<Option<Box<dyn PendingAsync>>>,
    /// The libuv handle on the selector that pollAsync keeps across waits (poll_watch.rs),
    /// created by the first pollAsync; owned by this Poll's thread.
    pub(crate) watch: Mutex<Option<Box<dyn SelectorWatch>>>,
}

/// pollAsync's libuv handle on the selector, as the Poll sees it (poll_watch.rs): a trait for
/// the same reason as [`PendingAsync`]. Every call is made on the Poll's owning thread. Dropping
/// it without `close` leaves the handle to the thread's teardown (a Poll dropped on another
/// thread must not touch libuv).
pub(crate) trait SelectorWatch: Send {
    /// Stops libuv watching the selector (the next pollAsync starts it again): the selector is
    /// about to watch the loop fd, and two epoll instances may not contain each other.
    fn stop(&self);
    /// Closes the handle; its memory goes in its close callback. A wait still attached to it
    /// ends without a callback.
    fn close(self: Box<Self>);
}

/// A pollAsync in progress, as the Poll sees it: the few calls the Poll makes on the wait that
/// poll_async.rs keeps in [`PollShared::pending`]. A trait, so that poll_async.rs builds on this
/// file and not the other way round (src/ has no import circle).
pub(crate) trait PendingAsync: Send {
    /// The wait's identity (its allocation), to tell whether the pending wait is a given one.
    fn id(&self) -> *const ();
    /// Ends the wait without calling back (abort, timeout: JavaScript settles its promise).
    fn cancel(self: Box<Self>);
    /// Ends the wait, calling back with `ERR_CLOSED` (the Poll is closing).
    fn finish_closed(self: Box<Self>, env: &Env);
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
    pub(crate) fn adopt_waker(&self, key: u64) {
        let mut wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        // Forget closed Wakers now and then, so the list tracks the live ones.
        if wakers.len() >= 16 && wakers.len().is_power_of_two() {
            wakers.retain(|key| waker_table::WAKERS.contains(*key));
        }
        wakers.push(key);
    }

    /// Starts watching the owning thread's loop fd, once, so that a blocking poll notices
    /// when Node stops the thread. Returns whether the selector watches the loop; when it
    /// cannot (no loop fd: Windows), blocking polls wait in slices and probe between them
    /// (`thread_stop::STOP_PROBE_SLICE`).
    pub(crate) fn watch_loop(&self) -> bool {
        let Some(fd) = self.loop_fd else {
            return false;
        };
        if self.loop_watched.swap(true, Ordering::AcqRel) {
            return true;
        }
        // libuv must not watch this selector while it watches the loop (see SelectorWatch).
        if let Some(watch) = self
            .watch
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            watch.stop();
        }
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        let added = registry
            .as_ref()
            .map(|r| r.register(&mut SourceRaw(&fd), LOOP_TOKEN, Interest::READABLE));
        if !matches!(added, Some(Ok(()))) {
            self.loop_watched.store(false, Ordering::Release);
            return false;
        }
        true
    }

    /// Stops watching the loop fd: libuv is about to watch this Poll's selector (pollAsync),
    /// and two epoll instances may not contain each other.
    pub(crate) fn unwatch_loop(&self) {
        let Some(fd) = self.loop_fd else { return };
        if !self.loop_watched.swap(false, Ordering::AcqRel) {
            return;
        }
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        if let Some(registry) = registry.as_ref() {
            let _ = registry.deregister(&mut SourceRaw(&fd));
        }
    }

    /// The selector as a source libuv can watch (pollAsync); `None` when the Poll is closed
    /// or its selector is no such source (a completion port).
    pub(crate) fn pollable(&self) -> Option<RawSource> {
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        registry.as_ref().and_then(|r| r.as_pollable())
    }

    /// Another handle to the selector, for pollAsync's waiter thread (poll_async.rs).
    pub(crate) fn registry_clone(&self) -> Option<wakepoll::Registry> {
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        registry.as_ref().and_then(|r| r.try_clone().ok())
    }

    /// Wakes whatever waits in the selector (the closer's wake; its event is never reported),
    /// so that pollAsync's waiter thread looks at its orders.
    pub(crate) fn nudge(&self) {
        if let Some(closer) = self
            .closer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let _ = closer.wake();
        }
    }

    /// Takes the pending pollAsync out (the lock is released before the caller ends it, which
    /// may call back into JavaScript).
    pub(crate) fn take_pending(&self) -> Option<Box<dyn PendingAsync>> {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// Unpublishes the wait `id` if it is the pending one (a wait that ends by itself); whether
    /// it was. The wait itself is the caller's to end.
    pub(crate) fn take_pending_if(&self, id: *const ()) -> bool {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let mine = pending.as_ref().is_some_and(|p| p.id() == id);
        if mine {
            pending.take();
        }
        mine
    }

    /// Closes pollAsync's handle on the selector, if there is one. Owning thread.
    pub(crate) fn close_watch(&self) {
        let watch = self.watch.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(watch) = watch {
            watch.close();
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    pub(crate) fn close(&self) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        // Wake a blocked poll first; it sees `closed` and returns.
        let closer = self.closer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(closer) = &closer {
            let _ = closer.wake();
        }
        // No new Waker can be made once the registry is gone.
        let registry = self
            .registry
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        self.end_wakers_and_handle();
        // Waits for a poll in progress to notice the closer, then releases the selector.
        let poller = self.poller.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop((registry, poller, closer));
    }

    /// Ends every Waker of this Poll (for all their holders) and forgets the Registry handle.
    fn end_wakers_and_handle(&self) {
        let wakers = std::mem::take(&mut *self.wakers.lock().unwrap_or_else(|e| e.into_inner()));
        for key in wakers {
            waker_table::close_key(key);
        }
        handles::remove(self.id);
    }
}

impl Drop for PollShared {
    /// Its Poll object was collected (or its thread ended) without `close()`, so its slot was
    /// removed, and no pollAsync or blocking poll holds it: nothing can poll it again, so it
    /// ends like `close()` and its fds return. Wakers end with it: the WAKERS slab holds them
    /// until close, and only this makes collected Polls give their Wakers' fds back.
    fn drop(&mut self) {
        self.end_wakers_and_handle();
    }
}

/// The Poll of `key`, or `ERR_CLOSED`.
pub(crate) fn shared(env: &Env, key: f64) -> napi::Result<Arc<PollShared>> {
    slots::key(key)
        .and_then(|key| POLLS.get(key))
        .ok_or_else(|| errors::closed(env, "Poll"))
}

/// `new Poll()`: the key of a new Poll.
#[napi]
pub fn poll_new(env: Env) -> napi::Result<f64> {
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
        key: AtomicU64::new(0),
        closed: AtomicBool::new(false),
        poller: Mutex::new(Some(Poller {
            poll,
            events: wakepoll::Events::with_capacity(0),
        })),
        registry: RwLock::new(Some(registry)),
        closer: Mutex::new(Some(closer)),
        wakers: Mutex::new(Vec::new()),
        loop_fd: thread_stop::loop_fd(&env),
        loop_watched: AtomicBool::new(false),
        pending: Mutex::new(None),
        watch: Mutex::new(None),
    });
    let key = POLLS
        .insert(Arc::clone(&shared))
        .ok_or_else(|| slots::full(&env, "Poll"))?;
    shared.key.store(key, Ordering::Release);
    handles::insert_weak(Kind::Registry, id, &shared);
    Ok(key as f64)
}

#[napi]
pub fn poll_closed(key: f64) -> bool {
    !slots::key(key).is_some_and(|key| POLLS.contains(key))
}

/// Ends a pending wait without calling back (abort, timeout). Nothing pending: no-op.
#[napi]
pub fn poll_cancel_async(key: f64) {
    if let Some(shared) = slots::key(key).and_then(|key| POLLS.get(key)) {
        let taken = shared.take_pending();
        if let Some(wait) = taken {
            wait.cancel();
        }
    }
}

/// Closes the selector and every Waker of this Poll and frees its slot; a pending wait ends
/// with `ERR_CLOSED`. Idempotent.
#[napi]
pub fn poll_close(env: Env, key: f64) {
    if let Some(shared) = slots::key(key).and_then(|key| POLLS.remove(key)) {
        let taken = shared.take_pending();
        if let Some(wait) = taken {
            wait.finish_closed(&env);
        }
        // Before the selector's fd closes: libuv still has it in its loop.
        shared.close_watch();
        shared.close();
    }
}

/// A Poll object was garbage-collected without `close()` (lib/poll.ts's
/// FinalizationRegistry): drop the slab's reference, as the napi finalizer did before.
#[napi]
pub fn poll_release(key: f64) {
    if let Some(shared) = slots::key(key).and_then(|key| POLLS.remove(key)) {
        // On the owning thread (a FinalizationRegistry callback): libuv lets go of the selector.
        shared.close_watch();
    }
}

/// The blocking `poll` (fast.rs calls it): waits, then writes tokens and flag bytes in place
/// and returns how many events it wrote. `timeout_ms`: `None` waits forever; fractions round
/// up.
pub(crate) fn poll_blocking(
    env: &Env,
    shared: &PollShared,
    tokens: &mut [f64],
    flags: &mut [u8],
    timeout_ms: Option<f64>,
) -> napi::Result<u32> {
    if shared
        .pending
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_some()
    {
        return Err(busy(env));
    }
    let mut guard = match shared.poller.try_lock() {
        Ok(guard) => guard,
        Err(TryLockError::WouldBlock) => return Err(busy(env)),
        Err(TryLockError::Poisoned(e)) => e.into_inner(),
    };
    let poller = match guard.as_mut() {
        Some(poller) if !shared.is_closed() => poller,
        _ => return Err(errors::closed(env, "Poll")),
    };
    let timeout = timeout_from_ms(env, timeout_ms)?;
    let capacity = tokens.len().min(flags.len());
    if capacity == 0 {
        return Err(errors::out_of_range(env, "events.capacity", ">= 1"));
    }
    // A zero timeout never blocks, so it needs no way to be stopped.
    let loop_watched = timeout == Some(Duration::ZERO) || shared.watch_loop();
    let start = timeout.filter(|t| !t.is_zero()).map(|_| Instant::now());
    let mut remaining = timeout;
    loop {
        poller
            .wait(capacity, thread_stop::slice(remaining, loop_watched))
            .map_err(|e| errors::system(env, &e))?;
        if shared.is_closed() {
            return Err(errors::closed(env, "Poll"));
        }
        let collected = poller.copy_out(tokens, flags);
        if collected.count > 0 {
            return Ok(collected.count as u32);
        }
        // Unwatched loop: every empty slice is a chance that Node is stopping the thread.
        if (collected.loop_activity || !loop_watched) && thread_stop::is_stopping(env) {
            // Node is ending this thread: return into the pending termination.
            return Err(thread_stop::stopping());
        }
        // Woken by other loop activity, or the time is up: wait for what remains, if any.
        match (timeout, start) {
            (None, _) => {}
            (Some(_), None) => return Ok(0),
            (Some(timeout), Some(start)) => match timeout.checked_sub(start.elapsed()) {
                Some(left) if !left.is_zero() => remaining = Some(left),
                _ => return Ok(0),
            },
        }
    }
}

fn busy(env: &Env) -> napi::Error {
    let err = wakepoll::error::busy("poll", "this Poll is already being polled");
    errors::system(env, &err)
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
