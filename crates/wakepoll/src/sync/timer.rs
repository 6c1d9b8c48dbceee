//! `Timer`: crosvm's `base::Timer` — a waitable, pollable timer, one-shot or periodic.
//!
//! Invariants:
//! * expirations are counted by the OS (timerfd) or by the clock (`sys::schedule`), never by
//!   the waiter: a wait returns every expiration since the last consuming call, so a periodic
//!   timer whose waiter is late loses no period and does not drift;
//! * a wait never returns before a due time: `TimedOut` (0) only once the deadline passed
//!   (`wait::retry_until`, as for `Event`), an expiration only once its due time passed;
//! * one waiter at a time (`EBUSY` for a second), as for `Event`;
//! * the `Registration` makes the Timer a source of one `Poll` or `WaitContext` at a time, and
//!   `Drop` ends it before the OS handle closes.

use std::io;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::wait::{retry_until, Waiting};
use crate::event::{registered_source_impls, Registration};
use crate::sys;

/// A timer that fires once after a delay, or periodically — crosvm's `base::Timer`.
///
/// A thread that lives in [`Poll::poll`](crate::Poll::poll) (or a
/// [`WaitContext`](crate::sync::WaitContext)) has no other clock: register the Timer, and it
/// reports readable when it has fired. [`wait`](Timer::wait) blocks until it fires and returns
/// how many expirations there were since the last wait (more than one when a periodic timer's
/// waiter was late), consuming them; a `Poll`/`WaitContext` does not consume them.
///
/// Never early: an expiration is reported only once its due time has passed on the monotonic
/// clock. Periods are counted from the first due time, so a late waiter does not make a
/// periodic timer drift.
///
/// A timerfd on Linux; on macOS and FreeBSD an `EVFILT_TIMER` in a kqueue of the Timer's own;
/// on Windows a waitable timer, which a `Poll` or `WaitContext` learns of through a
/// thread-pool wait (`RegisterWaitForSingleObject`).
///
/// ```
/// use std::time::Duration;
/// use wakepoll::sync::Timer;
///
/// let timer = Timer::new()?;
/// timer.reset(Duration::from_millis(1), None)?;
/// assert_eq!(timer.wait()?, 1);
/// assert_eq!(timer.wait_timeout(Duration::ZERO)?, 0); // one-shot: nothing more
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Timer {
    inner: sys::Timer,
    waiter: AtomicBool,
    registration: Registration,
}

impl Timer {
    /// Creates a timer that is not armed.
    pub fn new() -> io::Result<Timer> {
        Ok(Timer {
            inner: sys::Timer::new()?,
            waiter: AtomicBool::new(false),
            registration: Registration::new(),
        })
    }

    /// Arms the timer: it fires `delay` from now, then every `interval` if one is given (and
    /// not zero). Replaces an earlier arming, and discards expirations not yet consumed.
    pub fn reset(&self, delay: Duration, interval: Option<Duration>) -> io::Result<()> {
        self.inner.reset(delay, interval)
    }

    /// Disarms the timer and discards expirations not yet consumed.
    pub fn clear(&self) -> io::Result<()> {
        self.inner.clear()
    }

    /// Blocks until the timer has fired, consumes the expirations and returns how many there
    /// were (at least 1). A timer that is not armed blocks until another thread arms it.
    ///
    /// `ResourceBusy` (`EBUSY`) if another thread is waiting on this timer.
    pub fn wait(&self) -> io::Result<u64> {
        self.wait_until(None)
    }

    /// Like [`wait`](Timer::wait), but gives up after `timeout` and then returns 0. Never
    /// gives up early; a zero timeout does not block, but consumes what is there.
    pub fn wait_timeout(&self, timeout: Duration) -> io::Result<u64> {
        // A timeout too large for the clock waits forever.
        self.wait_until(Instant::now().checked_add(timeout))
    }

    /// The Timer's own handle as a source another readiness loop can watch (readable while
    /// it has fired), or `None` where it is not one (a waitable timer on Windows). Reading it
    /// directly bypasses the one-waiter rule: prefer [`wait`](Timer::wait).
    pub fn as_pollable(&self) -> Option<crate::event::RawSource> {
        sys::pollable_timer(&self.inner)
    }

    /// The descriptor that carries this Timer to another process (over `SCM_RIGHTS`, in a
    /// child's fds), where it can be watched as a raw fd: the timerfd on Linux. `None`
    /// elsewhere: a kqueue timer (macOS, FreeBSD) is its kqueue's, which does not cross
    /// processes, and a waitable timer (Windows) is not a socket.
    pub fn as_raw_descriptor(&self) -> Option<i64> {
        sys::timer_descriptor(&self.inner).map(|fd| fd as i64)
    }

    fn wait_until(&self, deadline: Option<Instant>) -> io::Result<u64> {
        let _waiting = Waiting::enter(
            &self.waiter,
            "another thread is already waiting on this timer",
        )?;
        retry_until(deadline, |remaining| self.inner.wait_once(remaining))
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.registration
            .clear(|selector| self.inner.deregister(selector));
    }
}

registered_source_impls!(
    /// Registers the Timer with a `Poll`: readable when it has fired (edge-triggered); with a
    /// `WaitContext`, readable until its expirations are consumed. One `Poll` or `WaitContext`
    /// at a time (`AlreadyExists`, `EEXIST`, otherwise).
    Timer
);
