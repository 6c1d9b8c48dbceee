//! Blocking waits other than `poll` (SyncEvent.wait, WaitContext.wait) that Node can still stop.
//!
//! The same problem as a blocked `poll` (see thread_stop.rs), the same answer: the wait blocks
//! in a per-thread, edge-triggered core Poll that watches the thread's libuv loop fd (under
//! `LOOP_TOKEN`) and, for the length of one wait, the pollable handle of what is waited for
//! (an eventfd, or a WaitContext's epoll fd; both readable while something is signalled).
//! Between blocks the caller's `attempt(ZERO)` does the real, non-blocking wait; loop activity
//! that is not a stop goes back to waiting for the time that remains.
//!
//! Where that cannot be done — the target has no pollable handle (an event object or a
//! completion port on Windows), or the loop has no fd to watch — the wait blocks in slices of
//! at most `thread_stop::STOP_PROBE_SLICE` and asks `is_stopping` between them: in the
//! target's own wait (`attempt(slice)`) when the target is not pollable, in the per-thread Poll
//! otherwise.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use napi::Env;
use wakepoll::event::{RawSource, SourceRaw};
use wakepoll::{Events, Interest, Poll, Token};

use crate::{errors, thread_stop};

const TARGET: Token = Token(0);

struct Waiter {
    poll: Poll,
    events: Events,
    /// Whether `poll` watches the thread's loop (else: slices, see the module docs).
    loop_watched: bool,
}

thread_local! {
    // One per thread, made at its first wait; closed when the thread ends.
    // (The initializer is const: clippy 1.96 says otherwise for Windows targets.)
    #[allow(clippy::missing_const_for_thread_local)]
    static WAITER: RefCell<Option<Waiter>> = const { RefCell::new(None) };
}

fn waiter(env: &Env) -> std::io::Result<Waiter> {
    let poll = Poll::new()?;
    let loop_watched = match thread_stop::loop_fd(env) {
        Some(fd) => poll
            .registry()
            .register(
                &mut SourceRaw(&fd),
                thread_stop::LOOP_TOKEN,
                Interest::READABLE,
            )
            .is_ok(),
        None => false,
    };
    Ok(Waiter {
        poll,
        events: Events::with_capacity(4),
        loop_watched,
    })
}

/// `source` (a primitive's pollable handle) as the fd that the hidden Poll of JavaScript's
/// `waitAsync` watches; `ENOTSUP` with `why` where there is none (Windows: an event or timer
/// object).
pub(crate) fn wait_async_fd(
    env: &Env,
    source: Option<RawSource>,
    why: &'static str,
) -> napi::Result<i32> {
    // The identity on Unix; a Windows handle would need narrowing (there is none).
    #[allow(clippy::useless_conversion)]
    let fd = source.and_then(|fd| i32::try_from(fd).ok());
    fd.ok_or_else(|| errors::system(env, &wakepoll::error::unsupported("waitAsync", why)))
}

/// Waits until `attempt` returns `Some`, or `timeout` passes (`Ok(None)`). `attempt(d)` is the
/// target's own wait, blocking at most `d` (`ZERO`: not at all); it is tried first without
/// blocking, then after each readiness of `target` (its pollable handle, if it has one). A
/// stop of the thread returns into the pending termination.
pub(crate) fn wait_for<T>(
    env: &Env,
    target: Option<RawSource>,
    timeout: Option<Duration>,
    mut attempt: impl FnMut(Duration) -> std::io::Result<Option<T>>,
) -> napi::Result<Option<T>> {
    let sys = |e: std::io::Error| errors::system(env, &e);
    if let Some(done) = attempt(Duration::ZERO).map_err(sys)? {
        return Ok(Some(done));
    }
    if timeout == Some(Duration::ZERO) {
        return Ok(None);
    }
    let Some(fd) = target else {
        return sliced(env, timeout, &mut attempt);
    };
    WAITER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(waiter(env).map_err(sys)?);
        }
        let Some(w) = slot.as_mut() else {
            return Ok(None);
        };
        w.poll
            .registry()
            .register(&mut SourceRaw(&fd), TARGET, Interest::READABLE)
            .map_err(sys)?;
        let outcome = block(env, w, timeout, &mut attempt);
        let _ = w.poll.registry().deregister(&mut SourceRaw(&fd));
        outcome
    })
}

/// What remains of `timeout` since `start`; `Err(())` once it has passed.
fn remaining(timeout: Option<Duration>, start: Instant) -> Result<Option<Duration>, ()> {
    match timeout {
        None => Ok(None),
        Some(t) => match t.checked_sub(start.elapsed()) {
            Some(left) if !left.is_zero() => Ok(Some(left)),
            _ => Err(()),
        },
    }
}

fn block<T>(
    env: &Env,
    w: &mut Waiter,
    timeout: Option<Duration>,
    attempt: &mut impl FnMut(Duration) -> std::io::Result<Option<T>>,
) -> napi::Result<Option<T>> {
    let sys = |e: std::io::Error| errors::system(env, &e);
    let start = Instant::now();
    loop {
        let Ok(remaining) = remaining(timeout, start) else {
            return attempt(Duration::ZERO).map_err(sys);
        };
        // Registered after the first attempt: a signal in between is still an edge here.
        if let Some(done) = attempt(Duration::ZERO).map_err(sys)? {
            return Ok(Some(done));
        }
        let slice = thread_stop::slice(remaining, w.loop_watched);
        w.poll.poll(&mut w.events, slice).map_err(sys)?;
        let probe = !w.loop_watched
            || w.events
                .iter()
                .any(|e| e.token() == thread_stop::LOOP_TOKEN);
        if probe && thread_stop::is_stopping(env) {
            return Err(thread_stop::stopping());
        }
    }
}

/// The target cannot be watched by a Poll: wait in it directly, a slice at a time.
fn sliced<T>(
    env: &Env,
    timeout: Option<Duration>,
    attempt: &mut impl FnMut(Duration) -> std::io::Result<Option<T>>,
) -> napi::Result<Option<T>> {
    let sys = |e: std::io::Error| errors::system(env, &e);
    let start = Instant::now();
    loop {
        let Ok(remaining) = remaining(timeout, start) else {
            return attempt(Duration::ZERO).map_err(sys);
        };
        let slice = thread_stop::slice(remaining, false).unwrap_or(thread_stop::STOP_PROBE_SLICE);
        if let Some(done) = attempt(slice).map_err(sys)? {
            return Ok(Some(done));
        }
        if thread_stop::is_stopping(env) {
            return Err(thread_stop::stopping());
        }
    }
}
