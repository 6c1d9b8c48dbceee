//! `TcpStream`: a non-blocking TCP connection.

use std::io;
use std::net::{self, Shutdown, SocketAddr};

use crate::io_source::{io_impls, io_source_impls, IoSource};
use crate::net::adopt::adopt_impl;
use crate::net::duplicate::duplicate_impl;
use crate::sys;

/// A non-blocking TCP stream between a local socket and a remote one — mio's `TcpStream`.
///
/// Non-blocking and close-on-exec from the start. [`Read`](io::Read) and
/// [`Write`](io::Write) are implemented for `TcpStream` and `&TcpStream` (vectored too); they
/// return [`WouldBlock`](io::ErrorKind::WouldBlock) instead of blocking, and read straight into
/// the caller's buffer. Registrations are edge-triggered: after an event, read (or write)
/// until `WouldBlock` before waiting for the next one.
///
/// [`connect`](TcpStream::connect) returns at once. The stream reports
/// [`WRITABLE`](crate::Interest::WRITABLE) when the connection is made or has failed: then
/// [`take_error`](TcpStream::take_error) (or [`peer_addr`](TcpStream::peer_addr), which fails
/// with `ENOTCONN` while unconnected) tells which.
///
/// Like each of wakepoll's own sources, a stream belongs to one [`Poll`](crate::Poll) at a
/// time, and dropping it ends its registration. Writes never raise SIGPIPE: a write to a
/// closed peer is an `EPIPE` error.
///
/// ```
/// use std::io::{Read, Write};
/// use std::time::Duration;
/// use wakepoll::net::{TcpListener, TcpStream};
/// use wakepoll::{Events, Interest, Poll, Token};
///
/// let mut poll = Poll::new()?;
/// let mut events = Events::with_capacity(8);
/// let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap())?;
/// let mut client = TcpStream::connect(listener.local_addr()?)?;
/// poll.registry().register(&mut client, Token(1), Interest::WRITABLE)?;
/// poll.poll(&mut events, Some(Duration::from_secs(5)))?; // connected (or failed)
/// assert!(client.take_error()?.is_none());
/// client.write_all(b"ping")?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct TcpStream {
    inner: IoSource,
}

impl TcpStream {
    /// Starts a connection to `addr` and returns at once, before it is made (see the type's
    /// documentation for how to learn the outcome).
    pub fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
        sys::tcp::connect(addr).map(TcpStream::from)
    }

    /// Wraps a stream from the standard library.
    ///
    /// It is used as it is: put it in non-blocking mode first
    /// (`stream.set_nonblocking(true)`), as with mio.
    pub fn from_std(stream: net::TcpStream) -> TcpStream {
        TcpStream::from(sys::OwnedSource::from(stream))
    }

    /// The remote address; `ENOTCONN` (kind `NotConnected`) while not (yet) connected.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        sys::net::peer_addr(self.inner.as_source())
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        sys::net::local_addr(self.inner.as_source())
    }

    /// Shuts down the read half, the write half, or both. After `Shutdown::Write` the peer
    /// reads end of stream (and sees a read-closed event).
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        sys::net::shutdown(self.inner.as_source(), how)
    }

    /// Sets `TCP_NODELAY`: `true` sends small writes at once (Nagle's algorithm off).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        sys::tcp::set_nodelay(self.inner.as_source(), nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        sys::tcp::nodelay(self.inner.as_source())
    }

    /// Sets the IP time-to-live (`IP_TTL`) of packets sent from this socket.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        sys::net::set_ttl(self.inner.as_source(), ttl)
    }

    /// The IP time-to-live (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        sys::net::ttl(self.inner.as_source())
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it: after a failed
    /// [`connect`](TcpStream::connect), `ECONNREFUSED` and the like. The error's
    /// [`SysError::syscall`](crate::error::SysError::syscall) is `getsockopt`, the call that
    /// fetched it.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        sys::net::take_error(self.inner.as_source())
    }

    /// Reads into `buf` without removing the data from the socket's queue (`MSG_PEEK`).
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.do_io(|s| sys::net::peek(s, buf))
    }

    /// Runs `f`, an I/O operation made directly on this socket (through its raw fd or
    /// socket), as mio does: if `f` returns [`WouldBlock`](io::ErrorKind::WouldBlock), the
    /// registration is re-armed where the OS needs it (Windows emulates edges that way), so
    /// that new readiness is reported. With epoll nothing needs re-arming and this only calls
    /// `f`.
    pub fn try_io<F, T>(&self, f: F) -> io::Result<T>
    where
        F: FnOnce() -> io::Result<T>,
    {
        self.inner.do_io(|_| f())
    }
}

io_source_impls!(TcpStream);
adopt_impl!(TcpStream, TcpStream);
duplicate_impl!(TcpStream, TcpStream);
io_impls!(TcpStream: stream_read = sys::io::read, read_vectored = sys::io::read_vectored);
io_impls!(TcpStream: write = sys::net::send, write_vectored = sys::net::send_vectored);

/// Ends any registration, then gives the socket to the standard library.
impl From<TcpStream> for net::TcpStream {
    fn from(stream: TcpStream) -> net::TcpStream {
        net::TcpStream::from(sys::OwnedSource::from(stream))
    }
}
