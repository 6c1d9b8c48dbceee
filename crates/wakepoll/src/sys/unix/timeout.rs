//! Timeouts for the system calls that take whole milliseconds (`epoll_wait`, `poll`).

use std::cmp;
use std::time::Duration;

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

#[cfg(test)]
mod tests {
    use super::to_ms;
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
}
