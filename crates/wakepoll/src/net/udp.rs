//! `UdpSocket`: a non-blocking UDP socket.

use std::io;
use std::net::{self, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::io_source::{io_source_impls, IoSource};
use crate::net::adopt::adopt_impl;
use crate::net::duplicate::duplicate_impl;
use crate::sys;

/// A non-blocking UDP socket — mio's `UdpSocket`.
///
/// Non-blocking and close-on-exec from the start; every call returns
/// [`WouldBlock`](io::ErrorKind::WouldBlock) instead of blocking. Registrations are
/// edge-triggered: after a readable event, receive until `WouldBlock`; only a datagram that
/// arrives after that reports again.
///
/// Like each of wakepoll's own sources, a socket belongs to one [`Poll`](crate::Poll) at a
/// time, and dropping it ends its registration.
///
/// ```
/// use std::time::Duration;
/// use wakepoll::net::UdpSocket;
/// use wakepoll::{Events, Interest, Poll, Token};
///
/// let mut poll = Poll::new()?;
/// let mut events = Events::with_capacity(8);
/// let mut rx = UdpSocket::bind("127.0.0.1:0".parse().unwrap())?;
/// let tx = UdpSocket::bind("127.0.0.1:0".parse().unwrap())?;
/// poll.registry().register(&mut rx, Token(0), Interest::READABLE)?;
///
/// tx.send_to(b"hello", rx.local_addr()?)?;
/// poll.poll(&mut events, Some(Duration::from_secs(5)))?;
/// let mut buf = [0; 16];
/// let (n, from) = rx.recv_from(&mut buf)?;
/// assert_eq!((&buf[..n], from), (&b"hello"[..], tx.local_addr()?));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct UdpSocket {
    inner: IoSource,
}

impl UdpSocket {
    /// Creates a socket bound to `addr` (port 0: one the OS picks).
    pub fn bind(addr: SocketAddr) -> io::Result<UdpSocket> {
        sys::udp::bind(addr).map(UdpSocket::from)
    }

    /// Wraps a socket from the standard library.
    ///
    /// It is used as it is: put it in non-blocking mode first
    /// (`socket.set_nonblocking(true)`), as with mio.
    pub fn from_std(socket: net::UdpSocket) -> UdpSocket {
        UdpSocket::from(sys::OwnedSource::from(socket))
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        sys::net::local_addr(self.inner.as_source())
    }

    /// The address the socket is connected to; `ENOTCONN` if it is not.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        sys::net::peer_addr(self.inner.as_source())
    }

    /// Sends `buf` as one datagram to `target`; returns the bytes sent.
    pub fn send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.inner.do_io(|s| sys::net::send_to(s, buf, &target))
    }

    /// Receives one datagram into `buf` (the rest of a longer one is discarded), and its
    /// sender's address.
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.do_datagram_read(|s| sys::net::recv_from(s, buf))
    }

    /// Like [`recv_from`](UdpSocket::recv_from), but the datagram stays queued.
    pub fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.do_io(|s| sys::net::peek_from(s, buf))
    }

    /// Sends `buf` to the connected peer (see [`connect`](UdpSocket::connect)).
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.do_io(|s| sys::net::send(s, buf))
    }

    /// Receives one datagram from the connected peer.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.do_datagram_read(|s| sys::net::recv(s, buf))
    }

    /// Like [`recv`](UdpSocket::recv), but the datagram stays queued.
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.do_io(|s| sys::net::peek(s, buf))
    }

    /// Connects the socket to `addr`: [`send`](UdpSocket::send) goes there, and only its
    /// datagrams are received. Never blocks.
    pub fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        sys::net::connect(self.inner.as_source(), &addr)
    }

    /// Sets `SO_BROADCAST`: whether datagrams may be sent to a broadcast address.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        sys::udp::set_broadcast(self.inner.as_source(), on)
    }

    /// Whether `SO_BROADCAST` is set.
    pub fn broadcast(&self) -> io::Result<bool> {
        sys::udp::broadcast(self.inner.as_source())
    }

    /// Sets `IP_MULTICAST_LOOP`: whether IPv4 multicast datagrams are looped back to this
    /// host.
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        sys::udp::set_multicast_loop_v4(self.inner.as_source(), on)
    }

    /// Whether `IP_MULTICAST_LOOP` is set.
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        sys::udp::multicast_loop_v4(self.inner.as_source())
    }

    /// Sets `IP_MULTICAST_TTL`, the time-to-live of IPv4 multicast datagrams.
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        sys::udp::set_multicast_ttl_v4(self.inner.as_source(), ttl)
    }

    /// The `IP_MULTICAST_TTL`.
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        sys::udp::multicast_ttl_v4(self.inner.as_source())
    }

    /// Sets `IPV6_MULTICAST_LOOP`: whether IPv6 multicast datagrams are looped back.
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        sys::udp::set_multicast_loop_v6(self.inner.as_source(), on)
    }

    /// Whether `IPV6_MULTICAST_LOOP` is set.
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        sys::udp::multicast_loop_v6(self.inner.as_source())
    }

    /// Sets the IP time-to-live (`IP_TTL`) of datagrams sent from this socket.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        sys::net::set_ttl(self.inner.as_source(), ttl)
    }

    /// The IP time-to-live (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        sys::net::ttl(self.inner.as_source())
    }

    /// Joins the IPv4 multicast group `multiaddr` on the interface with address `interface`
    /// (`0.0.0.0`: the system's choice).
    pub fn join_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> io::Result<()> {
        sys::udp::multicast_v4(self.inner.as_source(), multiaddr, interface, true)
    }

    /// Joins the IPv6 multicast group `multiaddr` on interface number `interface` (0: the
    /// system's choice).
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        sys::udp::multicast_v6(self.inner.as_source(), multiaddr, interface, true)
    }

    /// Leaves an IPv4 multicast group (see [`join_multicast_v4`](UdpSocket::join_multicast_v4)).
    pub fn leave_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> io::Result<()> {
        sys::udp::multicast_v4(self.inner.as_source(), multiaddr, interface, false)
    }

    /// Leaves an IPv6 multicast group (see [`join_multicast_v6`](UdpSocket::join_multicast_v6)).
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        sys::udp::multicast_v6(self.inner.as_source(), multiaddr, interface, false)
    }

    /// Whether `IPV6_V6ONLY` is set (IPv6 sockets only): `false` lets an IPv6 socket also
    /// talk IPv4 through mapped addresses.
    pub fn only_v6(&self) -> io::Result<bool> {
        sys::udp::only_v6(self.inner.as_source())
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it (for example an ICMP
    /// "port unreachable" for a connected socket, as `ECONNREFUSED`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        sys::net::take_error(self.inner.as_source())
    }

    /// Runs `f`, an I/O operation made directly on this socket, as mio does, re-arming the
    /// registration after a `WouldBlock` where the OS needs it (see
    /// [`TcpStream::try_io`](crate::net::TcpStream::try_io)).
    pub fn try_io<F, T>(&self, f: F) -> io::Result<T>
    where
        F: FnOnce() -> io::Result<T>,
    {
        self.inner.do_io(|_| f())
    }
}

io_source_impls!(UdpSocket);
adopt_impl!(UdpSocket, UdpSocket);
duplicate_impl!(UdpSocket, UdpSocket);

/// Ends any registration, then gives the socket to the standard library.
impl From<UdpSocket> for net::UdpSocket {
    fn from(socket: UdpSocket) -> net::UdpSocket {
        net::UdpSocket::from(sys::OwnedSource::from(socket))
    }
}
