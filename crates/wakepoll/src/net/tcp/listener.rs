//! `TcpListener`: a non-blocking TCP server socket.

use std::io;
use std::net::{self, SocketAddr};

use crate::io_source::{io_source_impls, IoSource};
use crate::net::adopt::adopt_impl;
use crate::net::duplicate::duplicate_impl;
use crate::net::TcpStream;
use crate::sys;

/// A TCP socket server, listening for connections — mio's `TcpListener`.
///
/// Non-blocking and close-on-exec from the start. Register it for
/// [`READABLE`](crate::Interest::READABLE): an event means connections are pending; call
/// [`accept`](TcpListener::accept) until it returns [`WouldBlock`](io::ErrorKind::WouldBlock)
/// (the registration is edge-triggered: no new event is guaranteed before that).
///
/// Like each of wakepoll's own sources, a listener belongs to one [`Poll`](crate::Poll) at a
/// time (registering it with a second one is an `AlreadyExists` error, `EEXIST`), and dropping
/// it ends its registration.
///
/// ```
/// use std::time::Duration;
/// use wakepoll::net::{TcpListener, TcpStream};
/// use wakepoll::{Events, Interest, Poll, Token};
///
/// let mut poll = Poll::new()?;
/// let mut events = Events::with_capacity(8);
/// let mut listener = TcpListener::bind("127.0.0.1:0".parse().unwrap())?;
/// poll.registry().register(&mut listener, Token(0), Interest::READABLE)?;
///
/// let _client = TcpStream::connect(listener.local_addr()?)?;
/// poll.poll(&mut events, Some(Duration::from_secs(5)))?;
/// let (_stream, peer) = listener.accept()?;
/// assert!(peer.ip().is_loopback());
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct TcpListener {
    inner: IoSource,
}

/// How [`TcpListener::bind_with`] sets up its socket, beside the address.
///
/// ```
/// use wakepoll::net::{ListenOptions, TcpListener};
/// let options = ListenOptions { backlog: 511, ..ListenOptions::default() };
/// let listener = TcpListener::bind_with("127.0.0.1:0".parse().unwrap(), &options)?;
/// # drop(listener);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListenOptions {
    /// How many connections the OS queues before they are accepted (`listen`'s backlog).
    /// The OS caps it (on Linux at `net.core.somaxconn`, 4096 by default). Default: 128, as
    /// mio and std; node:net uses 511.
    pub backlog: u32,
    /// `SO_REUSEPORT`: several sockets may listen on the same address and port, and the kernel
    /// spreads new connections among them (Linux, FreeBSD; on macOS the last one bound gets
    /// them). Not on Windows: `Unsupported` there. Default: off.
    pub reuse_port: bool,
    /// For an IPv6 address, `IPV6_V6ONLY`: `Some(true)` accepts IPv6 only, `Some(false)` also
    /// IPv4 (as IPv4-mapped addresses), `None` keeps the OS default (on most systems both;
    /// on Windows and OpenBSD IPv6 only). Ignored for an IPv4 address. Default: `None`.
    pub ipv6_only: Option<bool>,
}

impl Default for ListenOptions {
    fn default() -> ListenOptions {
        ListenOptions {
            backlog: 128,
            reuse_port: false,
            ipv6_only: None,
        }
    }
}

impl TcpListener {
    /// Creates a listener bound to `addr` (port 0: one the OS picks, see
    /// [`local_addr`](TcpListener::local_addr)), with `SO_REUSEADDR` set (on Unix) and a
    /// backlog of 128, as mio does.
    pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
        TcpListener::bind_with(addr, &ListenOptions::default())
    }

    /// [`bind`](TcpListener::bind) with a backlog and socket options of the caller's.
    pub fn bind_with(addr: SocketAddr, options: &ListenOptions) -> io::Result<TcpListener> {
        sys::tcp::bind(addr, options).map(TcpListener::from)
    }

    /// Wraps a listener from the standard library.
    ///
    /// It is used as it is: put it in non-blocking mode first
    /// (`listener.set_nonblocking(true)`), as with mio.
    pub fn from_std(listener: net::TcpListener) -> TcpListener {
        TcpListener::from(sys::OwnedSource::from(listener))
    }

    /// Accepts a pending connection: the new stream (non-blocking, close-on-exec, registered
    /// nowhere) and the peer's address. [`WouldBlock`](io::ErrorKind::WouldBlock) when none is
    /// pending.
    pub fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        self.inner
            .do_io(sys::tcp::accept)
            .map(|(socket, addr)| (TcpStream::from(socket), addr))
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        sys::net::local_addr(self.inner.as_source())
    }

    /// Sets the IP time-to-live (`IP_TTL`) of the sockets this listener accepts.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        sys::net::set_ttl(self.inner.as_source(), ttl)
    }

    /// The IP time-to-live (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        sys::net::ttl(self.inner.as_source())
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        sys::net::take_error(self.inner.as_source())
    }
}

io_source_impls!(TcpListener);
adopt_impl!(TcpListener, TcpListener);
duplicate_impl!(TcpListener, TcpListener);

/// Ends any registration, then gives the socket to the standard library.
impl From<TcpListener> for net::TcpListener {
    fn from(listener: TcpListener) -> net::TcpListener {
        net::TcpListener::from(sys::OwnedSource::from(listener))
    }
}
