//! `Schedule`: a timer's due times kept by the clock, for the backends whose OS timer is only a
//! wake-up call (kqueue's `EVFILT_TIMER`, a Windows waitable timer): they arm a one-shot OS
//! timer for the next due time and count expirations here, against `Instant` (monotonic).
//!
//! Invariants:
//! * `next` is the earliest due time not yet consumed; `take(now)` consumes every due time
//!   `<= now` and never one in the future, so an OS timer that fires early yields nothing
//!   (the backend re-arms it for the rest): a timer is never early;
//! * a periodic timer's due times are `first + k * interval`, computed from the first due time
//!   rather than from when they were consumed, so late consumers do not make the timer drift.

use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub(crate) struct Schedule {
    next: Option<Instant>,
    interval: Option<Duration>,
}

impl Schedule {
    /// First due `delay` after `now`, then every `interval` (none or zero: once).
    pub(crate) fn set(&mut self, now: Instant, delay: Duration, interval: Option<Duration>) {
        // A due time past the clock's range never comes.
        self.next = now.checked_add(delay);
        self.interval = interval.filter(|i| !i.is_zero());
    }

    pub(crate) fn clear(&mut self) {
        self.next = None;
        self.interval = None;
    }

    /// Consumes the due times up to `now`; how many there were.
    pub(crate) fn take(&mut self, now: Instant) -> u64 {
        let Some(next) = self.next else { return 0 };
        if now < next {
            return 0;
        }
        let Some(interval) = self.interval else {
            self.next = None;
            return 1;
        };
        let late = now.duration_since(next).as_nanos() / interval.as_nanos();
        let count = u64::try_from(late).unwrap_or(u64::MAX - 1) + 1;
        // next + count * interval, in steps that cannot overflow a u32 multiplier.
        self.next = u32::try_from(count)
            .ok()
            .and_then(|c| interval.checked_mul(c))
            .and_then(|step| next.checked_add(step));
        count
    }

    /// How long after `now` the next due time is (zero if it has passed), or `None`.
    pub(crate) fn until_next(&self, now: Instant) -> Option<Duration> {
        self.next.map(|next| next.saturating_duration_since(now))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::Schedule;

    #[test]
    fn counts_missed_periods_and_never_takes_early() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut s = Schedule::default();
        s.set(t0, ms(10), Some(ms(5)));
        assert_eq!(s.take(t0 + ms(9)), 0);
        assert_eq!(s.take(t0 + ms(10)), 1);
        assert_eq!(s.until_next(t0 + ms(10)), Some(ms(5)));
        // 15, 20, 25 due by 27: three, and the next is 30 (no drift).
        assert_eq!(s.take(t0 + ms(27)), 3);
        assert_eq!(s.until_next(t0 + ms(27)), Some(ms(3)));
        s.set(t0, ms(1), None);
        assert_eq!(s.take(t0 + ms(100)), 1);
        assert_eq!(s.take(t0 + ms(200)), 0);
        assert_eq!(s.until_next(t0), None);
    }
}
