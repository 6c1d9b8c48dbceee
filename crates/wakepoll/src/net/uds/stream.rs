//! `UnixStream`: a non-blocking Unix stream socket.

use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::{self, SocketAddr};
use std::path::Path;

use crate::io_source::{io_impls, io_source_impls, IoSource};
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
io_impls!(UnixStream: stream_read = sys::io::read, read_vectored = sys::io::read_vectored);
io_impls!(UnixStream: write = sys::net::send, write_vectored = sys::net::send_vectored);

/// Ends any registration, then gives the socket to the standard library.
impl From<UnixStream> for net::UnixStream {
    fn from(stream: UnixStream) -> net::UnixStream {
        net::UnixStream::from(OwnedFd::from(stream))
    }
}
