//! `sync::Timer` on a timerfd (as crosvm's `Timer` on Linux), `CLOCK_MONOTONIC`.
//!
//! The kernel counts expirations: a read returns how many there were since the last read and
//! resets the count; `timerfd_settime` (reset, clear) discards a count not yet read. The fd
//! is readable while the count is not zero, which is what a `Poll` and a `WaitContext` watch.
//!
//! Invariants:
//! * the fd is non-blocking and close-on-exec: waits block in `poll(2)`, never in `read`;
//! * a zero delay is armed as one nanosecond (a zero `it_value` would disarm the timer);
//! * `wait_once` makes at most one blocking call, its timeout rounded **up** to whole
//!   milliseconds, and returns `EINTR` (kind `Interrupted`) for the caller to retry.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use crate::error;
use crate::sys::unix::{owned_fd_registration, syscall, timeout};

#[derive(Debug)]
pub(crate) struct Timer {
    fd: OwnedFd,
}

impl Timer {
    pub(crate) fn new() -> io::Result<Timer> {
        // SAFETY: timerfd_create takes a clock id and flags.
        let fd = syscall!(timerfd_create(
            libc::CLOCK_MONOTONIC,
            libc::TFD_NONBLOCK | libc::TFD_CLOEXEC
        ))?;
        Ok(Timer {
            // SAFETY: `fd` was just returned by timerfd_create and nothing else owns it.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// Arms the timer: first due after `delay`, then every `interval` (none or zero: once).
    pub(crate) fn reset(&self, delay: Duration, interval: Option<Duration>) -> io::Result<()> {
        let spec = libc::itimerspec {
            it_value: timespec(delay.max(Duration::from_nanos(1))),
            it_interval: timespec(interval.unwrap_or(Duration::ZERO)),
        };
        self.settime(&spec)
    }

    /// Disarms the timer and discards expirations not yet consumed.
    pub(crate) fn clear(&self) -> io::Result<()> {
        let zero = timespec(Duration::ZERO);
        self.settime(&libc::itimerspec {
            it_value: zero,
            it_interval: zero,
        })
    }

    fn settime(&self, spec: &libc::itimerspec) -> io::Result<()> {
        // SAFETY: `spec` is a valid itimerspec alive across the call; no old value is asked.
        syscall!(timerfd_settime(
            self.fd.as_raw_fd(),
            0,
            spec,
            std::ptr::null_mut()
        ))
        .map(drop)
    }

    /// Consumes the expirations there are, without blocking; how many.
    fn take(&self) -> io::Result<u64> {
        let mut count: u64 = 0;
        loop {
            // SAFETY: reads 8 bytes into a live u64 from a timerfd we own.
            let n = unsafe { libc::read(self.fd.as_raw_fd(), (&mut count as *mut u64).cast(), 8) };
            if n == 8 {
                return Ok(count);
            }
            let err = error::last("read");
            match error::errno(&err) {
                Some(libc::EAGAIN) => return Ok(0),
                Some(libc::EINTR) => continue,
                _ => return Err(err),
            }
        }
    }

    /// Consumes the expirations there are, else waits once for one (at most `timeout`);
    /// how many it consumed (0: none yet).
    pub(crate) fn wait_once(&self, timeout: Option<Duration>) -> io::Result<u64> {
        timeout::take_or_wait_once(
            timeout,
            |_| self.take(),
            |timeout| timeout::wait_readable(self.fd.as_raw_fd(), timeout),
        )
    }

    owned_fd_registration!();
}

impl AsRawFd for Timer {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// A `timespec` of `d`, its seconds capped at `i32::MAX` (68 years: "never" in practice).
fn timespec(d: Duration) -> libc::timespec {
    libc::timespec {
        // `as _`: the field's type, time_t, whose alias libc deprecates on musl (it will widen).
        tv_sec: d.as_secs().min(i32::MAX as u64) as _,
        tv_nsec: d.subsec_nanos() as libc::c_long,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Timer;

    #[test]
    fn a_zero_delay_fires_and_clear_discards() {
        let t = Timer::new().unwrap();
        t.reset(Duration::ZERO, None).unwrap();
        assert_eq!(t.wait_once(None).unwrap(), 1);
        t.reset(Duration::ZERO, None).unwrap();
        assert_eq!(t.wait_once(Some(Duration::from_millis(50))).unwrap(), 1);
        t.reset(Duration::from_nanos(1), Some(Duration::from_secs(60)))
            .unwrap();
        t.clear().unwrap();
        assert_eq!(t.wait_once(Some(Duration::from_millis(5))).unwrap(), 0);
    }
}
