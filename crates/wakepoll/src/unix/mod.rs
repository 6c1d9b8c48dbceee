//! Unix-only extensions: raw file descriptors as sources, and pipes.

pub mod pipe;
mod source_fd;

use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

pub use self::source_fd::SourceFd;

impl AsRawFd for crate::Poll {
    /// The selector's fd (the epoll or kqueue fd), so that a `Poll` can be nested in another
    /// loop.
    fn as_raw_fd(&self) -> RawFd {
        self.registry().selector().as_raw_fd()
    }
}

impl AsRawFd for crate::Registry {
    fn as_raw_fd(&self) -> RawFd {
        self.selector().as_raw_fd()
    }
}

impl AsRawFd for crate::sync::Event {
    /// The Event's own fd (an eventfd on Linux, an unlinked FIFO on macOS and FreeBSD; each
    /// clone has its own), readable while the event is signalled, so that another loop
    /// (libuv's, say) can watch it. Reading it directly bypasses the one-waiter rule: prefer
    /// [`Event::wait`](crate::sync::Event::wait).
    fn as_raw_fd(&self) -> RawFd {
        self.sys().as_raw_fd()
    }
}

impl AsRawFd for crate::sync::WaitContext {
    /// The context's selector fd, readable while one of its Events is signalled, so that
    /// another loop can watch the whole context.
    fn as_raw_fd(&self) -> RawFd {
        self.selector().as_raw_fd()
    }
}

impl TryFrom<OwnedFd> for crate::sync::Event {
    type Error = std::io::Error;

    /// Adopts an Event's fd that came from another process (see
    /// [`Event::from_raw_descriptor`](crate::sync::Event::from_raw_descriptor), which checks
    /// the same way): `EINVAL` if it is not an Event's (an eventfd on Linux, a FIFO opened
    /// read-write on macOS and FreeBSD).
    fn try_from(fd: OwnedFd) -> std::io::Result<crate::sync::Event> {
        crate::sys::SyncEvent::from_owned(fd).map(crate::sync::Event::from_sys)
    }
}

/// An [`Event`](crate::sync::Event) adopted from its fd, unchecked (as every `FromRawFd`);
/// `TryFrom<OwnedFd>` and `Event::from_raw_descriptor` check the fd.
impl FromRawFd for crate::sync::Event {
    unsafe fn from_raw_fd(fd: RawFd) -> crate::sync::Event {
        // SAFETY: the caller passes an owned Event fd (`FromRawFd`'s contract).
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        crate::sync::Event::from_sys(crate::sys::SyncEvent::from_owned_unchecked(fd))
    }
}

/// The Event's fd, to hand to another process (`Command`'s fds, `SCM_RIGHTS`). The Event's
/// registration ends first.
impl IntoRawFd for crate::sync::Event {
    fn into_raw_fd(self) -> RawFd {
        self.into_sys().into_owned().into_raw_fd()
    }
}
