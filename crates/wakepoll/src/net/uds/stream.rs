//! `UnixStream`: a non-blocking Unix stream socket.

use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::os::unix::net::{self, SocketAddr};
use std::path::Path;

use crate::io_source::{io_impls, io_source_impls, IoSource};
use crate::net::adopt::adopt_impl;
use crate::sys;

/// A non-blocking Unix domain stream socket — mio's `UnixStream`.
///
/// Non-blocking and close-on-exec from the start. [`Read`](io::Read) and
/// [`Write`](io::Write) are implemented for `UnixStream` and `&UnixStream` (vectored too),
/// returning [`WouldBlock`](io::ErrorKind::WouldBlock) instead of blocking. Registrations are
/// edge-triggered. It belongs to one [`Poll`](crate::Poll) at a time, and dropping it ends
/// its registration. Writes never raise SIGPIPE.
///
/// ```
/// use std::io::{Read, Write};
/// use std::time::Duration;
/// use wakepoll::net::UnixStream;
/// use wakepoll::{Events, Interest, Poll, Token};
///
/// let mut poll = Poll::new()?;
/// let mut events = Events::with_capacity(8);
/// let (mut a, mut b) = UnixStream::pair()?;
/// poll.registry().register(&mut b, Token(2), Interest::READABLE)?;
/// a.write_all(b"hi")?;
/// poll.poll(&mut events, Some(Duration::from_secs(5)))?;
/// let mut buf = [0; 8];
/// assert_eq!(b.read(&mut buf)?, 2);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct UnixStream {
    inner: IoSource,
}

impl UnixStream {
    /// Connects to the socket file `path`. Returns at once (a full backlog is
    /// [`WouldBlock`](io::ErrorKind::WouldBlock)); the stream reports writable once connected.
    pub fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        let addr = sys::uds::UnixAddr::from_path(path.as_ref(), "connect")?;
        sys::uds::connect_stream(&addr).map(UnixStream::from)
    }

    /// Connects to `address` (a pathname, or an abstract name on Linux).
    pub fn connect_addr(address: &SocketAddr) -> io::Result<UnixStream> {
        let addr = sys::uds::UnixAddr::from_std(address, "connect")?;
        sys::uds::connect_stream(&addr).map(UnixStream::from)
    }

    /// Wraps a stream from the standard library.
    ///
    /// It is used as it is: put it in non-blocking mode first, as with mio.
    pub fn from_std(stream: net::UnixStream) -> UnixStream {
        UnixStream::from(OwnedFd::from(stream))
    }

    /// A pair of connected streams, both non-blocking and close-on-exec.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = sys::uds::stream_pair()?;
        Ok((UnixStream::from(a), UnixStream::from(b)))
    }

    /// The local address (usually unnamed for a connecting socket).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        sys::uds::local_addr(self.inner.as_fd())
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        sys::uds::peer_addr(self.inner.as_fd())
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        sys::net::take_error(self.inner.as_fd())
    }

    /// Shuts down the read half, the write half, or both. After `Shutdown::Write` the peer
    /// reads end of stream (and sees a read-closed event).
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        sys::net::shutdown(self.inner.as_fd(), how)
    }

    /// Sends `buf` with copies of the descriptors `fds` (`SCM_RIGHTS`; crosvm's
    /// `ScmSocket::send_with_fds`): the bytes sent, which may be fewer than `buf` holds (send
    /// the rest with [`write`](io::Write::write)); the descriptors went with the first of them.
    /// [`WouldBlock`](io::ErrorKind::WouldBlock) when the socket's buffer is full: nothing was
    /// sent, descriptors included. `fds` stay the caller's (any fd: sockets, pipes, eventfds,
    /// files). At most [`MAX_FDS_PER_MESSAGE`](crate::net::MAX_FDS_PER_MESSAGE) of them, and
    /// with descriptors `buf` must not be empty (a stream sends them with a byte): `EINVAL`
    /// otherwise, before any system call.
    pub fn send_with_fds(&self, buf: &[u8], fds: &[RawFd]) -> io::Result<usize> {
        sys::scm_rights::check_stream(buf, fds)?;
        sys::scm_rights::send(self.inner.as_fd(), buf, fds, None)
    }

    /// Receives into `buf`, and up to `fds.len()` (at most
    /// [`MAX_FDS_PER_MESSAGE`](crate::net::MAX_FDS_PER_MESSAGE)) descriptors into the front of
    /// `fds`: `(bytes, descriptors)`. `bytes` is 0 at end of stream. Each descriptor received
    /// is new, close-on-exec, and the caller's to close (adopt a socket with
    /// `from_raw_descriptor`, an Event with
    /// [`Event::from_raw_descriptor`](crate::sync::Event::from_raw_descriptor)). If more came
    /// than `fds` has room for, the kernel truncated them: every one that arrived is closed and
    /// the call fails with `EMSGSIZE` (the bytes are lost with them). A plain
    /// [`read`](io::Read::read) of bytes that carried descriptors discards them (the kernel
    /// closes them). [`WouldBlock`](io::ErrorKind::WouldBlock) when nothing is queued.
    pub fn recv_with_fds(&self, buf: &mut [u8], fds: &mut [RawFd]) -> io::Result<(usize, usize)> {
        sys::scm_rights::recv(self.inner.as_fd(), buf, fds)
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

io_source_impls!(UnixStream);
adopt_impl!(UnixStream, UnixStream);
io_impls!(UnixStream: stream_read = sys::io::read, read_vectored = sys::io::read_vectored);
io_impls!(UnixStream: write = sys::net::send, write_vectored = sys::net::send_vectored);

/// Ends any registration, then gives the socket to the standard library.
impl From<UnixStream> for net::UnixStream {
    fn from(stream: UnixStream) -> net::UnixStream {
        net::UnixStream::from(OwnedFd::from(stream))
    }
}
