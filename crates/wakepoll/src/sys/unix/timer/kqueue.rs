//! `sync::Timer` on macOS and FreeBSD: a kqueue of its own with one `EVFILT_TIMER` knote.
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
//! * `wait_once` makes at most one blocking call (`poll(2)` on the kqueue fd), its timeout
//!   rounded **up** to whole milliseconds; `EINTR` goes back to the caller's retry loop.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::sys::schedule::Schedule;
use crate::sys::unix::{syscall, timeout};
use crate::sys::{Selector, Trigger};
use crate::{Interest, Token};

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
        let kq = syscall!(kqueue())?;
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

    /// Consumes the expirations there are, without blocking; how many.
    fn take(&self) -> io::Result<u64> {
        let mut schedule = self.lock();
        let fired = self.collect()?;
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
        let count = self.take()?;
        if count > 0 || timeout == Some(Duration::ZERO) {
            return Ok(count);
        }
        let mut pfd = libc::pollfd {
            fd: self.kq.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd, and we pass a count of one.
        let ready = syscall!(poll(&mut pfd, 1, timeout::to_ms(timeout)))?;
        if ready == 0 {
            return Ok(0);
        }
        self.take()
    }

    /// Arms the one-shot knote to fire `after` from now (replacing an armed one).
    fn arm(&self, after: Duration) -> io::Result<()> {
        let micros = after.as_nanos().div_ceil(1_000).max(1);
        let data = i64::try_from(micros).unwrap_or(i64::MAX);
        self.change(libc::EV_ADD | libc::EV_ONESHOT, libc::NOTE_USECONDS, data)
    }

    /// Removes the knote and anything it had fired.
    fn disarm(&self) -> io::Result<()> {
        match self.change(libc::EV_DELETE, 0, 0) {
            Err(err) if err.raw_os_error() == Some(libc::ENOENT) => {}
            other => other?,
        }
        self.collect().map(drop)
    }

    fn change(&self, flags: u16, fflags: u32, data: i64) -> io::Result<()> {
        // SAFETY: an all-zero kevent is a valid value; the fields that matter are set below.
        let mut change: libc::kevent = unsafe { std::mem::zeroed() };
        change.ident = IDENT as _;
        change.filter = libc::EVFILT_TIMER;
        change.flags = flags as _;
        change.fflags = fflags as _;
        change.data = data as _;
        // SAFETY: one change from a live local, no event list.
        syscall!(kevent(
            self.kq.as_raw_fd(),
            &change,
            1,
            std::ptr::null_mut(),
            0,
            std::ptr::null()
        ))
        .map(drop)
    }

    /// Collects a fired knote without blocking; whether there was one.
    fn collect(&self) -> io::Result<bool> {
        // SAFETY: an all-zero kevent is a valid value for the kernel to overwrite.
        let mut event: libc::kevent = unsafe { std::mem::zeroed() };
        let zero = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: no changes; room for one event in a live local; a zero timeout.
        let n = syscall!(kevent(
            self.kq.as_raw_fd(),
            std::ptr::null(),
            0,
            &mut event,
            1,
            &zero
        ));
        match n {
            Ok(n) => Ok(n > 0),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => Ok(false),
            Err(err) => Err(err),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Schedule> {
        // Held across non-blocking system calls only; a poisoned lock holds a valid schedule.
        self.schedule.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn register(
        &self,
        selector: &Selector,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        selector.register_owned(self.kq.as_raw_fd(), token, interests, trigger)
    }

    pub(crate) fn reregister(
        &self,
        selector: &Selector,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        selector.reregister_owned(self.kq.as_raw_fd(), token, interests, trigger)
    }

    pub(crate) fn deregister(&self, selector: &Selector) -> io::Result<()> {
        selector.deregister_owned(self.kq.as_raw_fd())
    }
}

impl AsRawFd for Timer {
    fn as_raw_fd(&self) -> RawFd {
        self.kq.as_raw_fd()
    }
}
