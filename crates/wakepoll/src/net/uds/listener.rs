//! `UnixListener`: a non-blocking Unix stream server socket.

use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::{self, SocketAddr};
use std::path::Path;

use crate::io_source::{io_source_impls, IoSource};
use crate::net::adopt::adopt_impl;
use crate::net::UnixStream;
use crate::sys;

/// A Unix domain socket server, listening for connections — mio's `UnixListener`.
///
/// Non-blocking and close-on-exec from the start. Register it for
/// [`READABLE`](crate::Interest::READABLE) and [`accept`](UnixListener::accept) until
/// [`WouldBlock`](io::ErrorKind::WouldBlock). It belongs to one [`Poll`](crate::Poll) at a
/// time, and dropping it ends its registration (the socket file stays: remove it yourself).
pub struct UnixListener {
    inner: IoSource,
}

impl UnixListener {
    /// Creates a listener bound to the socket file `path` (which must not exist).
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        let addr = sys::uds::UnixAddr::from_path(path.as_ref(), "bind")?;
        sys::uds::listen(&addr).map(UnixListener::from)
    }

    /// [`bind`](UnixListener::bind) with a listen backlog of the caller's (the OS caps it;
    /// `bind` asks for `SOMAXCONN`).
    pub fn bind_with_backlog<P: AsRef<Path>>(path: P, backlog: u32) -> io::Result<UnixListener> {
        let addr = sys::uds::UnixAddr::from_path(path.as_ref(), "bind")?;
        sys::uds::listen_with_backlog(&addr, backlog).map(UnixListener::from)
    }

    /// Creates a listener bound to `address` (a pathname, or an abstract name on Linux).
    pub fn bind_addr(address: &SocketAddr) -> io::Result<UnixListener> {
        let addr = sys::uds::UnixAddr::from_std(address, "bind")?;
        sys::uds::listen(&addr).map(UnixListener::from)
    }

    /// Wraps a listener from the standard library.
    ///
    /// It is used as it is: put it in non-blocking mode first, as with mio.
    pub fn from_std(listener: net::UnixListener) -> UnixListener {
        UnixListener::from(OwnedFd::from(listener))
    }

    /// Accepts a pending connection: the new stream (non-blocking, close-on-exec, registered
    /// nowhere) and the peer's address (unnamed, unless the peer bound one).
    /// [`WouldBlock`](io::ErrorKind::WouldBlock) when none is pending.
    pub fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        sys::uds::accept(self.inner.as_fd()).map(|(fd, addr)| (UnixStream::from(fd), addr))
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        sys::uds::local_addr(self.inner.as_fd())
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        sys::net::take_error(self.inner.as_fd())
    }
}

io_source_impls!(UnixListener);
adopt_impl!(UnixListener, UnixListener);

/// Ends any registration, then gives the socket to the standard library.
impl From<UnixListener> for net::UnixListener {
    fn from(listener: UnixListener) -> net::UnixListener {
        net::UnixListener::from(OwnedFd::from(listener))
    }
}
