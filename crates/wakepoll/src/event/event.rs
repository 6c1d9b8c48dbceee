//! `Event`: one readiness event.

use std::fmt;

use crate::{sys, Token};

/// A readiness event, borrowed from [`Events`](crate::Events).
///
/// The flags mean what they mean in mio. They are hints: a readable event can be spurious, so
/// the reader still handles "would block".
#[repr(transparent)]
pub struct Event {
    inner: sys::Event,
}

impl Event {
    /// The token of the registration this event is for.
    #[inline]
    pub fn token(&self) -> Token {
        sys::event::token(&self.inner)
    }

    /// The source is readable (or a Waker fired).
    #[inline]
    pub fn is_readable(&self) -> bool {
        sys::event::is_readable(&self.inner)
    }

    /// The source is writable.
    #[inline]
    pub fn is_writable(&self) -> bool {
        sys::event::is_writable(&self.inner)
    }

    /// The source has an error pending (`take_error` on sockets tells which).
    #[inline]
    pub fn is_error(&self) -> bool {
        sys::event::is_error(&self.inner)
    }

    /// The read half is closed: the peer shut down its write half, or both halves closed.
    #[inline]
    pub fn is_read_closed(&self) -> bool {
        sys::event::is_read_closed(&self.inner)
    }

    /// The write half is closed: writing would fail (for a pipe, the reader went away).
    #[inline]
    pub fn is_write_closed(&self) -> bool {
        sys::event::is_write_closed(&self.inner)
    }

    /// Priority (out-of-band) data is readable. Linux and Android only.
    #[inline]
    pub fn is_priority(&self) -> bool {
        sys::event::is_priority(&self.inner)
    }

    /// An AIO operation completed. FreeBSD only.
    #[inline]
    pub fn is_aio(&self) -> bool {
        sys::event::is_aio(&self.inner)
    }

    /// An LIO operation completed. FreeBSD only.
    #[inline]
    pub fn is_lio(&self) -> bool {
        sys::event::is_lio(&self.inner)
    }

    pub(crate) fn from_sys_event_ref(sys_event: &sys::Event) -> &Event {
        // SAFETY: `Event` is `repr(transparent)` over `sys::Event`, so the layouts match and
        // the returned reference borrows the same memory for the same lifetime.
        unsafe { &*(sys_event as *const sys::Event as *const Event) }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let alternate = f.alternate();
        let mut d = f.debug_struct("Event");
        d.field("token", &self.token())
            .field("readable", &self.is_readable())
            .field("writable", &self.is_writable())
            .field("error", &self.is_error())
            .field("read_closed", &self.is_read_closed())
            .field("write_closed", &self.is_write_closed())
            .field("priority", &self.is_priority())
            .field("aio", &self.is_aio())
            .field("lio", &self.is_lio());
        if alternate {
            struct Details<'a>(&'a sys::Event);
            impl fmt::Debug for Details<'_> {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    sys::event::debug_details(f, self.0)
                }
            }
            d.field("details", &Details(&self.inner));
        }
        d.finish()
    }
}
