//! `sync::Timer` on macOS and FreeBSD (and on Linux over libkqueue, `--cfg wakepoll_libkqueue`):
//! a kqueue of its own with one `EVFILT_TIMER` knote.
//!
//! The Timer's fd is that kqueue: readable while its timer knote has fired and not been
//! collected, so a `Poll` or `WaitContext` watches it like any fd (a kqueue fd can be watched
//! by another kqueue, or by epoll). `EVFILT_TIMER` counts expirations of one period only, so
//! the due times are kept by the clock (`Schedule`) and the knote is a one-shot wake-up call,
//! armed for the next due time: the first delay and the period may differ, as with timerfd.
//!
//! Invariants:
//! * `take` (under the schedule's lock) collects the fired knote, consumes the due times up
//!   to now and re-arms the knote for the next one; a knote that fired early yields nothing
//!   and is re-armed for the rest, so the timer is never early;
//! * the knote is armed in microseconds rounded up (never shorter than asked);
//! * `wait_once` makes at most one blocking call, `kevent` on the timer's own kqueue (not
//!   `poll(2)` on its fd: libkqueue's kqueue fd is never readable, docs/platforms-kqueue.md's
//!   gap 1), which collects the knote, so `take` is told it fired; `EINTR` goes back to the
//!   caller's retry loop.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::sys::schedule::Schedule;
use crate::sys::unix::{kq, owned_fd_registration, syscall, timeout};

/// The ident of the one timer knote.
const IDENT: usize = 1;

#[derive(Debug)]
pub(crate) struct Timer {
    kq: OwnedFd,
    schedule: Mutex<Schedule>,
}

impl Timer {
    pub(crate) fn new() -> io::Result<Timer> {
        // SAFETY: kqueue takes no arguments.
        let kq = syscall!(kq::kqueue())?;
        // SAFETY: `kq` was just returned by kqueue and nothing else owns it.
        let kq = unsafe { OwnedFd::from_raw_fd(kq) };
        // SAFETY: sets a flag on an fd we own.
        syscall!(fcntl(kq.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC))?;
        Ok(Timer {
            kq,
            schedule: Mutex::default(),
        })
    }

    pub(crate) fn reset(&self, delay: Duration, interval: Option<Duration>) -> io::Result<()> {
        let mut schedule = self.lock();
        self.disarm()?;
        schedule.set(Instant::now(), delay, interval);
        self.arm(delay)
    }

    pub(crate) fn clear(&self) -> io::Result<()> {
        let mut schedule = self.lock();
        schedule.clear();
        self.disarm()
    }

    /// Consumes the expirations there are, without blocking; how many. `collected`: the
    /// caller has just collected a fired knote itself (the blocking `kevent`).
    fn take(&self, collected: bool) -> io::Result<u64> {
        let mut schedule = self.lock();
        let fired = self.collect(None)? || collected;
        let now = Instant::now();
        let count = schedule.take(now);
        if count > 0 || fired {
            if let Some(rest) = schedule.until_next(now) {
                self.arm(rest)?;
            }
        }
        Ok(count)
    }

    pub(crate) fn wait_once(&self, timeout: Option<Duration>) -> io::Result<u64> {
        // The blocking `kevent` runs outside the schedule's lock, so that `reset`/`clear` from
        // another thread go on (a knote they replace may still be collected here: `take` then
        // re-arms for the schedule's next due time, which is harmless).
        timeout::take_or_wait_once(
            timeout,
            |collected| self.take(collected),
            |timeout| self.collect(Some(timeout.unwrap_or(Duration::MAX))),
        )
    }

    /// Arms the one-shot knote to fire `after` from now (replacing an armed one).
    fn arm(&self, after: Duration) -> io::Result<()> {
        let micros = after.as_nanos().div_ceil(1_000).max(1);
        let data = i64::try_from(micros).unwrap_or(i64::MAX);
        self.change(kq::EV_ADD | kq::EV_ONESHOT, kq::NOTE_USECONDS, data)
    }

    /// Removes the knote and anything it had fired.
    fn disarm(&self) -> io::Result<()> {
        match self.change(kq::EV_DELETE, 0, 0) {
            Err(err) if crate::error::errno(&err) == Some(libc::ENOENT) => {}
            other => other?,
        }
        self.collect(None).map(drop)
    }

    fn change(&self, flags: u16, fflags: u32, data: i64) -> io::Result<()> {
        // SAFETY: an all-zero kevent is a valid value; the fields that matter are set below.
        let mut change: kq::kevent = unsafe { std::mem::zeroed() };
        change.ident = IDENT as _;
        change.filter = kq::EVFILT_TIMER;
        change.flags = flags as _;
        change.fflags = fflags as _;
        change.data = data as _;
        // SAFETY: one change from a live local, no event list.
        syscall!(kq::kevent(
            self.kq.as_raw_fd(),
            &change,
            1,
            std::ptr::null_mut(),
            0,
            std::ptr::null()
        ))
        .map(drop)
    }

    /// Collects a fired knote, waiting up to `wait` for one (`None`: not at all); whether
    /// there was one.
    fn collect(&self, wait: Option<Duration>) -> io::Result<bool> {
        // SAFETY: an all-zero kevent is a valid value for the kernel to overwrite.
        let mut event: kq::kevent = unsafe { std::mem::zeroed() };
        let wait = wait.unwrap_or(Duration::ZERO);
        // A non-blocking look treats EINTR as nothing there; a blocking wait hands it back to
        // the caller's retry loop.
        let blocking = !wait.is_zero();
        // Duration::MAX (no limit) as a null timeout; anything else as a timespec.
        let limit = (wait != Duration::MAX).then(|| timeout::to_timespec(wait));
        let limit_ptr = limit
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const kq::timespec);
        // SAFETY: no changes; room for one event in a live local; `limit_ptr` is null or
        // points to a live local timespec.
        let n = syscall!(kq::kevent(
            self.kq.as_raw_fd(),
            std::ptr::null(),
            0,
            &mut event,
            1,
            limit_ptr
        ));
        match n {
            Ok(n) => Ok(n > 0),
            Err(err) if err.kind() == io::ErrorKind::Interrupted && !blocking => Ok(false),
            Err(err) => Err(err),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Schedule> {
        // Held across non-blocking system calls only; a poisoned lock holds a valid schedule.
        self.schedule.lock().unwrap_or_else(|e| e.into_inner())
    }

    owned_fd_registration!();
}

impl AsRawFd for Timer {
    fn as_raw_fd(&self) -> RawFd {
        self.kq.as_raw_fd()
    }
}
