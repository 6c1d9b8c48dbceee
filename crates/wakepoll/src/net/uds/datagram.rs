//! `UnixDatagram`: a non-blocking Unix datagram socket.

use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::os::unix::net::{self, SocketAddr};
use std::path::Path;

use crate::io_source::{io_source_impls, IoSource};
use crate::net::adopt::adopt_impl;
use crate::sys;

/// A non-blocking Unix domain datagram socket — mio's `UnixDatagram`.
///
/// Non-blocking and close-on-exec from the start; every call returns
/// [`WouldBlock`](io::ErrorKind::WouldBlock) instead of blocking. Registrations are
/// edge-triggered. It belongs to one [`Poll`](crate::Poll) at a time, and dropping it ends
/// its registration.
pub struct UnixDatagram {
    inner: IoSource,
}

impl UnixDatagram {
    /// Creates a socket bound to the socket file `path` (which must not exist).
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        let addr = sys::uds::UnixAddr::from_path(path.as_ref(), "bind")?;
        sys::uds::bind_datagram(&addr).map(UnixDatagram::from)
    }

    /// Creates a socket bound to `address` (a pathname, or an abstract name on Linux).
    pub fn bind_addr(address: &SocketAddr) -> io::Result<UnixDatagram> {
        let addr = sys::uds::UnixAddr::from_std(address, "bind")?;
        sys::uds::bind_datagram(&addr).map(UnixDatagram::from)
    }

    /// Wraps a socket from the standard library.
    ///
    /// It is used as it is: put it in non-blocking mode first, as with mio.
    pub fn from_std(socket: net::UnixDatagram) -> UnixDatagram {
        UnixDatagram::from(OwnedFd::from(socket))
    }

    /// Connects the socket to the socket file `path`: [`send`](UnixDatagram::send) goes
    /// there, and only its datagrams are received.
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        let addr = sys::uds::UnixAddr::from_path(path.as_ref(), "connect")?;
        sys::uds::connect(self.inner.as_fd(), &addr)
    }

    /// Creates a socket bound to no address (it can send, and receive replies only once
    /// connected or through [`pair`](UnixDatagram::pair)).
    pub fn unbound() -> io::Result<UnixDatagram> {
        sys::uds::unbound_datagram().map(UnixDatagram::from)
    }

    /// A pair of connected, unnamed datagram sockets.
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = sys::uds::datagram_pair()?;
        Ok((UnixDatagram::from(a), UnixDatagram::from(b)))
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        sys::uds::local_addr(self.inner.as_fd())
    }

    /// The address the socket is connected to; `ENOTCONN` if it is not.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        sys::uds::peer_addr(self.inner.as_fd())
    }

    /// Receives one datagram into `buf` (the rest of a longer one is discarded), and its
    /// sender's address.
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        sys::uds::recv_from(self.inner.as_fd(), buf)
    }

    /// Receives one datagram from the connected peer.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        sys::net::recv(self.inner.as_fd(), buf)
    }

    /// Sends `buf` as one datagram to the socket file `path`.
    pub fn send_to<P: AsRef<Path>>(&self, buf: &[u8], path: P) -> io::Result<usize> {
        let addr = sys::uds::UnixAddr::from_path(path.as_ref(), "sendto")?;
        sys::uds::send_to(self.inner.as_fd(), buf, &addr)
    }

    /// Sends `buf` as one datagram to the connected peer.
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        sys::net::send(self.inner.as_fd(), buf)
    }

    /// Sends `buf` as one datagram to the connected peer, with copies of the descriptors `fds`
    /// (`SCM_RIGHTS`; see [`UnixStream::send_with_fds`](crate::net::UnixStream::send_with_fds)).
    /// An empty datagram may carry descriptors.
    pub fn send_with_fds(&self, buf: &[u8], fds: &[RawFd]) -> io::Result<usize> {
        sys::scm_rights::send(self.inner.as_fd(), buf, fds, None)
    }

    /// [`send_with_fds`](UnixDatagram::send_with_fds) to the socket file `path`.
    pub fn send_to_with_fds<P: AsRef<Path>>(
        &self,
        buf: &[u8],
        path: P,
        fds: &[RawFd],
    ) -> io::Result<usize> {
        let addr = sys::uds::UnixAddr::from_path(path.as_ref(), "sendmsg")?;
        sys::scm_rights::send(self.inner.as_fd(), buf, fds, Some(&addr))
    }

    /// Receives one datagram into `buf` (the rest of a longer one is discarded) and its
    /// descriptors into the front of `fds`: `(bytes, descriptors)`, as
    /// [`UnixStream::recv_with_fds`](crate::net::UnixStream::recv_with_fds) (new, close-on-exec,
    /// the caller's; too many for `fds` is `EMSGSIZE`, every one that arrived closed).
    pub fn recv_with_fds(&self, buf: &mut [u8], fds: &mut [RawFd]) -> io::Result<(usize, usize)> {
        sys::scm_rights::recv(self.inner.as_fd(), buf, fds)
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        sys::net::take_error(self.inner.as_fd())
    }

    /// Shuts down the read half, the write half, or both.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        sys::net::shutdown(self.inner.as_fd(), how)
    }

    /// Runs `f`, an I/O operation made directly on this socket's fd, as mio does; with epoll
    /// this only calls `f` (see [`TcpStream::try_io`](crate::net::TcpStream::try_io)).
    pub fn try_io<F, T>(&self, f: F) -> io::Result<T>
    where
        F: FnOnce() -> io::Result<T>,
    {
        f()
    }
}

io_source_impls!(UnixDatagram);
adopt_impl!(UnixDatagram, UnixDatagram);

/// Ends any registration, then gives the socket to the standard library.
impl From<UnixDatagram> for net::UnixDatagram {
    fn from(socket: UnixDatagram) -> net::UnixDatagram {
        net::UnixDatagram::from(OwnedFd::from(socket))
    }
}
