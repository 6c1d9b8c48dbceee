//! Blocking waits other than `poll` (SyncEvent.wait, WaitContext.wait) that Node can still stop.
//!
//! The same problem as a blocked `poll` (see thread_stop.rs), the same answer: the wait blocks
//! in a per-thread, edge-triggered core Poll that watches the thread's libuv loop fd (under
//! `LOOP_TOKEN`) and, for the length of one wait, the fd of what is waited for (an eventfd, or
//! a WaitContext's epoll fd; both readable while something is signalled). Between blocks the
//! caller's `consume` does the real, non-blocking wait; loop activity that is not a stop goes
//! back to waiting for the time that remains.

use std::cell::RefCell;
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

use napi::Env;
use wakepoll::unix::SourceFd;
use wakepoll::{Events, Interest, Poll, Token};

use crate::{errors, thread_stop};

const TARGET: Token = Token(0);

struct Waiter {
    poll: Poll,
    events: Events,
}

thread_local! {
    // One per thread, made at its first wait; closed when the thread ends.
    static WAITER: RefCell<Option<Waiter>> = const { RefCell::new(None) };
}

fn waiter(env: &Env) -> std::io::Result<Waiter> {
    let poll = Poll::new()?;
    if let Some(fd) = thread_stop::loop_fd(env) {
        poll.registry().register(
            &mut SourceFd(&fd),
            thread_stop::LOOP_TOKEN,
            Interest::READABLE,
        )?;
    }
    Ok(Waiter {
        poll,
        events: Events::with_capacity(4),
    })
}

/// Waits until `consume` returns `Some` (checked first, then after each readiness of `fd`), or
/// `timeout` passes (`Ok(None)`). A stop of the thread returns into the pending termination.
pub(crate) fn wait_for<T>(
    env: &Env,
    fd: RawFd,
    timeout: Option<Duration>,
    mut consume: impl FnMut() -> std::io::Result<Option<T>>,
) -> napi::Result<Option<T>> {
    let sys = |e: std::io::Error| errors::system(env, &e);
    if let Some(done) = consume().map_err(sys)? {
        return Ok(Some(done));
    }
    if timeout == Some(Duration::ZERO) {
        return Ok(None);
    }
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
            .register(&mut SourceFd(&fd), TARGET, Interest::READABLE)
            .map_err(sys)?;
        let outcome = block(env, w, timeout, &mut consume);
        let _ = w.poll.registry().deregister(&mut SourceFd(&fd));
        outcome
    })
}

fn block<T>(
    env: &Env,
    w: &mut Waiter,
    timeout: Option<Duration>,
    consume: &mut impl FnMut() -> std::io::Result<Option<T>>,
) -> napi::Result<Option<T>> {
    let sys = |e: std::io::Error| errors::system(env, &e);
    let start = Instant::now();
    loop {
        let remaining = match timeout {
            None => None,
            Some(t) => match t.checked_sub(start.elapsed()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => return consume().map_err(sys),
            },
        };
        // Registered after the first `consume`: a signal in between is still an edge here.
        if let Some(done) = consume().map_err(sys)? {
            return Ok(Some(done));
        }
        w.poll.poll(&mut w.events, remaining).map_err(sys)?;
        let stopping = w
            .events
            .iter()
            .any(|e| e.token() == thread_stop::LOOP_TOKEN)
            && thread_stop::is_stopping(env);
        if stopping {
            return Err(thread_stop::stopping());
        }
    }
}
