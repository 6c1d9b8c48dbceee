//! Platform-neutral access to the OS handles behind sources, for code that must not say
//! `cfg(unix)` / `cfg(windows)` itself (wakepoll's Node binding, say).
//!
//! [`RawSource`] is a file descriptor on Unix and a winsock `SOCKET` on Windows: what a
//! socket of [`net`](crate::net) is made of, and what libuv's `uv_poll_init_socket` takes
//! (`uv_os_sock_t`). What cannot exist on a platform is an `Option` or an error here, never a
//! missing item:
//!
//! * [`SourceRaw`] watches a raw handle the caller owns (`unix::SourceFd`'s semantics). On
//!   Windows a raw `SOCKET` is level-triggered: AFD readiness of wakepoll's own sockets is
//!   re-armed after their `WouldBlock`, which a caller's own I/O would never trigger, so a
//!   raw socket is asked for everything again after each event (mio has no raw-socket source
//!   there).
//! * `as_pollable()` ([`Registry::as_pollable`](crate::Registry::as_pollable),
//!   [`sync::Event::as_pollable`](crate::sync::Event::as_pollable),
//!   [`sync::WaitContext::as_pollable`](crate::sync::WaitContext::as_pollable)) gives a handle
//!   that another readiness loop can watch, or `None` where there is none (a completion port,
//!   an event object).

use std::io;

use crate::event::Source;
use crate::{sys, Interest, Registry, Token};

/// The OS handle of a source: a file descriptor (`RawFd`) on Unix, a `SOCKET` (`RawSocket`)
/// on Windows.
pub type RawSource = sys::RawSource;

/// The raw handle of one of wakepoll's sources (`AsRawFd` on Unix, `AsRawSocket` on
/// Windows, under one name).
pub trait AsRawSource {
    /// The handle; it stays owned by `self`.
    fn as_raw_source(&self) -> RawSource;
}

/// Gives up one of wakepoll's sources for its raw handle (`IntoRawFd` on Unix,
/// `IntoRawSocket` on Windows, under one name): its registration ends first, the handle stays
/// open and becomes the caller's.
pub trait IntoRawSource {
    /// The handle, now the caller's to close.
    fn into_raw_source(self) -> RawSource;
}

/// Adapter for a [`RawSource`] the caller owns, as an [`event::Source`](Source): on Unix the
/// same as `unix::SourceFd` (edge-triggered, not owned, several `Poll`s may watch one fd);
/// on Windows a `SOCKET`, watched level-triggered (wakepoll cannot see the owner's
/// `WouldBlock` that would re-arm an emulated edge): a socket that is still ready is reported
/// by every poll.
#[derive(Debug)]
pub struct SourceRaw<'a>(pub &'a RawSource);

impl Source for SourceRaw<'_> {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        registry
            .selector()
            .register_triggered(*self.0, token, interests, registry.trigger())
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        registry
            .selector()
            .reregister_triggered(*self.0, token, interests, registry.trigger())
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        registry.selector().deregister(*self.0)
    }
}
