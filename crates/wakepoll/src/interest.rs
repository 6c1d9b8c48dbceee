//! `Interest`: which readiness a registration asks for.

use std::num::NonZeroU8;
use std::{fmt, ops};

/// Interest used in registering.
///
/// Interests are given to [`Registry::register`](crate::Registry::register) and
/// [`Registry::reregister`](crate::Registry::reregister); an empty interest cannot be built.
/// Unlike mio, every flag exists on every platform; a flag the platform cannot watch
/// (`AIO`/`LIO` outside FreeBSD, `PRIORITY` outside Linux/Android) is refused at registration
/// with an `Unsupported` error (`ENOTSUP`).
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interest(NonZeroU8);

const READABLE: u8 = 0b0_0001;
const WRITABLE: u8 = 0b0_0010;
const AIO: u8 = 0b0_0100;
const LIO: u8 = 0b0_1000;
const PRIORITY: u8 = 0b1_0000;
const ALL: u8 = READABLE | WRITABLE | AIO | LIO | PRIORITY;

impl Interest {
    /// Returns an `Interest` set representing readable interests.
    pub const READABLE: Interest = Interest(NonZeroU8::new(READABLE).unwrap());
    /// Returns an `Interest` set representing writable interests.
    pub const WRITABLE: Interest = Interest(NonZeroU8::new(WRITABLE).unwrap());
    /// Returns an `Interest` set representing AIO completion interests (FreeBSD).
    pub const AIO: Interest = Interest(NonZeroU8::new(AIO).unwrap());
    /// Returns an `Interest` set representing LIO completion interests (FreeBSD).
    pub const LIO: Interest = Interest(NonZeroU8::new(LIO).unwrap());
    /// Returns an `Interest` set representing priority completion interests (Linux, Android).
    pub const PRIORITY: Interest = Interest(NonZeroU8::new(PRIORITY).unwrap());

    /// Add together two `Interest`s. Does the same as the `BitOr` implementation, in `const`.
    #[must_use]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(match NonZeroU8::new(self.0.get() | other.0.get()) {
            Some(bits) => bits,
            None => self.0,
        })
    }

    /// Removes `other` from `self`; `None` when the set would be empty.
    #[must_use]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        NonZeroU8::new(self.0.get() & !other.0.get()).map(Interest)
    }

    /// Returns true if the value includes readable readiness.
    pub const fn is_readable(self) -> bool {
        self.0.get() & READABLE != 0
    }

    /// Returns true if the value includes writable readiness.
    pub const fn is_writable(self) -> bool {
        self.0.get() & WRITABLE != 0
    }

    /// Returns true if the value includes AIO readiness.
    pub const fn is_aio(self) -> bool {
        self.0.get() & AIO != 0
    }

    /// Returns true if the value includes LIO readiness.
    pub const fn is_lio(self) -> bool {
        self.0.get() & LIO != 0
    }

    /// Returns true if the value includes priority readiness.
    pub const fn is_priority(self) -> bool {
        self.0.get() & PRIORITY != 0
    }

    /// The raw bit set (READABLE = 1, WRITABLE = 2, AIO = 4, LIO = 8, PRIORITY = 16), the
    /// layout the JavaScript API exposes.
    pub const fn bits(self) -> u8 {
        self.0.get()
    }

    /// Builds an interest from [`bits`](Interest::bits); `None` for an empty set or unknown
    /// bits.
    pub const fn from_bits(bits: u8) -> Option<Interest> {
        if bits & !ALL != 0 {
            return None;
        }
        match NonZeroU8::new(bits) {
            Some(bits) => Some(Interest(bits)),
            None => None,
        }
    }
}

impl ops::BitOr for Interest {
    type Output = Self;

    #[inline]
    fn bitor(self, other: Self) -> Self {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    #[inline]
    fn bitor_assign(&mut self, other: Self) {
        *self = *self | other;
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (READABLE, "READABLE"),
            (WRITABLE, "WRITABLE"),
            (AIO, "AIO"),
            (LIO, "LIO"),
            (PRIORITY, "PRIORITY"),
        ];
        let mut first = true;
        for (bit, name) in names {
            if self.0.get() & bit != 0 {
                if !first {
                    fmt.write_str(" | ")?;
                }
                fmt.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Interest;

    #[test]
    fn bits_round_trip_and_reject_unknown_or_empty() {
        let both = Interest::READABLE | Interest::WRITABLE;
        assert_eq!(Interest::from_bits(both.bits()), Some(both));
        assert_eq!(Interest::from_bits(0), None);
        assert_eq!(Interest::from_bits(0b10_0000), None);
        assert_eq!(Interest::from_bits(1), Some(Interest::READABLE));
    }

    #[test]
    fn add_remove_and_queries() {
        let i = Interest::READABLE.add(Interest::PRIORITY);
        assert!(i.is_readable() && i.is_priority() && !i.is_writable());
        assert_eq!(i.remove(Interest::PRIORITY), Some(Interest::READABLE));
        assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
        assert_eq!(format!("{i:?}"), "READABLE | PRIORITY");
    }
}
