//! Timeouts as the system calls take them: whole milliseconds (`epoll_wait`, `poll`), or a
//! `timespec` of exact nanoseconds (`kevent`); and the one wait of the sync objects (Event,
//! Timer), [`take_or_wait_once`].

use std::cmp;
use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use crate::sys::unix::syscall;

/// The `wait_once` of a sync object: consumes what is there (`take(false)`); if that is
/// nothing and `timeout` is not zero, makes one blocking call (`block(timeout)`, `true` when
/// it was woken) and consumes again (`take(true)`: after a wake-up). What it consumed,
/// `T::default()` (`false`, `0`) for nothing — also when another thread took it first.
/// `EINTR` from `block` goes back to the caller's loop, which owns the deadline.
pub(crate) fn take_or_wait_once<T: Default + PartialEq>(
    timeout: Option<Duration>,
    mut take: impl FnMut(bool) -> io::Result<T>,
    block: impl FnOnce(Option<Duration>) -> io::Result<bool>,
) -> io::Result<T> {
    let taken = take(false)?;
    if taken != T::default() || timeout == Some(Duration::ZERO) {
        return Ok(taken);
    }
    if !block(timeout)? {
        return Ok(T::default());
    }
    take(true)
}

/// Blocks until `fd` is readable (`true`) or `timeout` passes (`false`, `None`: forever):
/// one `poll(2)`, its timeout rounded up to whole milliseconds.
pub(crate) fn wait_readable(fd: RawFd, timeout: Option<Duration>) -> io::Result<bool> {
    let mut pollfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, alive across the call, and a count of one.
    let ready = syscall!(poll(&mut pollfd, 1, to_ms(timeout)))?;
    Ok(ready > 0)
}

/// Whole milliseconds, rounded up so that a wait is never shorter than asked, capped at the
/// largest value the calls take (the caller's loop waits out the rest). `None` is `-1`,
/// "forever".
#[inline]
pub(crate) fn to_ms(timeout: Option<Duration>) -> libc::c_int {
    match timeout {
        None => -1,
        Some(timeout) => {
            // In u64 (whole seconds, then the sub-second part rounded up): every `poll` passes
            // through here, and a u128 division would be a call into compiler-builtins.
            let sub_ms = u64::from(timeout.subsec_nanos().div_ceil(1_000_000));
            let ms = timeout
                .as_secs()
                .saturating_mul(1_000)
                .saturating_add(sub_ms);
            cmp::min(ms, libc::c_int::MAX as u64) as libc::c_int
        }
    }
}

/// The largest wait one `timespec` asks for: `i32::MAX` seconds (68 years). Larger values
/// are rejected or overflow into "now" in some kernels' deadline arithmetic; the caller's
/// loop waits out the rest, so capping never shortens a wait.
#[cfg(any(
    test,
    target_vendor = "apple",
    target_os = "freebsd",
    wakepoll_libkqueue
))]
const MAX_TIMESPEC_SECS: u64 = i32::MAX as u64;

/// Exactly `timeout` (no rounding: kqueue takes nanoseconds), capped at
/// [`MAX_TIMESPEC_SECS`]. "Forever" is a null pointer, which the caller passes for `None`.
#[cfg(any(
    test,
    target_vendor = "apple",
    target_os = "freebsd",
    wakepoll_libkqueue
))]
pub(crate) fn to_timespec(timeout: Duration) -> libc::timespec {
    if timeout.as_secs() > MAX_TIMESPEC_SECS {
        // `as _` (the field's time_t): libc deprecates the alias on musl, where it will widen.
        return libc::timespec {
            tv_sec: MAX_TIMESPEC_SECS as _,
            tv_nsec: 0,
        };
    }
    libc::timespec {
        tv_sec: timeout.as_secs() as _,
        // Below one billion, so it fits every platform's `c_long`.
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    }
}

#[cfg(test)]
mod tests {
    use super::{to_ms, to_timespec, MAX_TIMESPEC_SECS};
    use std::time::Duration;

    #[test]
    fn timeouts_round_up_never_down() {
        assert_eq!(to_ms(None), -1);
        assert_eq!(to_ms(Some(Duration::ZERO)), 0);
        assert_eq!(to_ms(Some(Duration::from_nanos(1))), 1);
        assert_eq!(to_ms(Some(Duration::from_micros(100))), 1);
        assert_eq!(to_ms(Some(Duration::from_millis(5))), 5);
        assert_eq!(to_ms(Some(Duration::from_micros(5_001))), 6);
        assert_eq!(to_ms(Some(Duration::new(1, 1))), 1_001);
        assert_eq!(to_ms(Some(Duration::new(2, 999_999_999))), 3_000);
        assert_eq!(
            to_ms(Some(Duration::new(2_147_483, 647_000_000))),
            libc::c_int::MAX
        );
        assert_eq!(
            to_ms(Some(Duration::new(2_147_483, 647_000_001))),
            libc::c_int::MAX
        );
        assert_eq!(to_ms(Some(Duration::from_secs(u64::MAX))), libc::c_int::MAX);
    }

    #[test]
    fn timespecs_are_exact_and_capped() {
        let ts = |d| {
            let t = to_timespec(d);
            (t.tv_sec as u64, t.tv_nsec as u32)
        };
        assert_eq!(ts(Duration::ZERO), (0, 0));
        assert_eq!(ts(Duration::from_nanos(1)), (0, 1));
        assert_eq!(ts(Duration::from_micros(100)), (0, 100_000));
        assert_eq!(ts(Duration::new(5, 999_999_999)), (5, 999_999_999));
        assert_eq!(
            ts(Duration::from_secs(MAX_TIMESPEC_SECS)),
            (MAX_TIMESPEC_SECS, 0)
        );
        assert_eq!(ts(Duration::new(u64::MAX, 5)), (MAX_TIMESPEC_SECS, 0));
    }
}
