//! Timeouts for the calls that take whole milliseconds (`GetQueuedCompletionStatusEx`,
//! `WaitForSingleObject`).

use std::time::Duration;

use windows_sys::Win32::System::Threading::INFINITE;

/// Whole milliseconds, rounded up so that a wait is never shorter than asked, and capped below
/// `INFINITE` (a finite wait must not become an endless one; the caller's loop waits out the
/// rest). `None` is `INFINITE`.
pub(crate) fn to_ms(timeout: Option<Duration>) -> u32 {
    match timeout {
        None => INFINITE,
        Some(timeout) => {
            let ms = timeout.as_nanos().div_ceil(1_000_000);
            ms.min(u128::from(INFINITE - 1)) as u32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_round_up_never_down_and_stay_finite() {
        assert_eq!(to_ms(None), INFINITE);
        assert_eq!(to_ms(Some(Duration::ZERO)), 0);
        assert_eq!(to_ms(Some(Duration::from_nanos(1))), 1);
        assert_eq!(to_ms(Some(Duration::from_micros(100))), 1);
        assert_eq!(to_ms(Some(Duration::from_micros(5_001))), 6);
        assert_eq!(to_ms(Some(Duration::from_secs(u64::MAX))), INFINITE - 1);
    }
}
