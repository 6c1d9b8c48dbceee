//! `SourceFd`: any raw file descriptor as an event source.

use std::io;
use std::os::fd::RawFd;

use crate::event::{Source, SourceRaw};
use crate::{Interest, Registry, Token};

/// Adapter for a [`RawFd`] providing an [`event::Source`](crate::event::Source)
/// implementation.
///
/// `SourceFd` does not own the fd: the caller keeps it open while it is registered, and
/// deregisters it before closing it. One fd may be registered with several `Poll`s, once each.
/// The fds wakepoll registers for itself (Wakers) cannot be reached through a `SourceFd`: a
/// stale fd number is refused instead of disturbing them.
///
/// ```
/// use std::os::fd::AsRawFd;
/// use std::os::unix::net::UnixStream;
/// use wakepoll::unix::SourceFd;
/// use wakepoll::{Interest, Poll, Token};
///
/// let (a, _b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let poll = Poll::new()?;
/// poll.registry().register(&mut SourceFd(&a.as_raw_fd()), Token(0), Interest::READABLE)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct SourceFd<'a>(pub &'a RawFd);

// The same calls as the platform-neutral `SourceRaw`, which on Unix is this very adapter.
impl Source for SourceFd<'_> {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        SourceRaw(self.0).register(registry, token, interests)
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        SourceRaw(self.0).reregister(registry, token, interests)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        SourceRaw(self.0).deregister(registry)
    }
}
