//! UDP: binding, and the datagram-only options (broadcast, multicast, v6-only).
//!
//! Sending and receiving are `net::{send_to, recv_from, send, recv}`; connecting is
//! `net::connect` (for UDP it only fixes the peer, it never blocks).
//!
//! Invariants:
//! * sockets come from `net::new_socket`: non-blocking and close-on-exec from the start;
//! * each option is one `setsockopt`/`getsockopt`, named in its error.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use crate::sys::unix::net;

// RFC 3493's names for joining and leaving an IPv6 group; Linux calls them by its older
// names, with the same values there.
#[cfg(any(target_os = "linux", target_os = "android"))]
use libc::{IPV6_ADD_MEMBERSHIP as IPV6_JOIN_GROUP, IPV6_DROP_MEMBERSHIP as IPV6_LEAVE_GROUP};
#[cfg(not(any(target_os = "linux", target_os = "android")))]
use libc::{IPV6_JOIN_GROUP, IPV6_LEAVE_GROUP};

/// A datagram socket bound to `addr`.
pub(crate) fn bind(addr: SocketAddr) -> io::Result<OwnedFd> {
    let fd = net::new_ip_socket(&addr, libc::SOCK_DGRAM)?;
    net::bind(fd.as_fd(), &addr)?;
    Ok(fd)
}

pub(crate) fn set_broadcast(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    net::set_flag(fd, libc::SOL_SOCKET, libc::SO_BROADCAST, on)
}

pub(crate) fn broadcast(fd: BorrowedFd<'_>) -> io::Result<bool> {
    net::flag(fd, libc::SOL_SOCKET, libc::SO_BROADCAST)
}

pub(crate) fn set_multicast_loop_v4(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    net::set_flag(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP, on)
}

pub(crate) fn multicast_loop_v4(fd: BorrowedFd<'_>) -> io::Result<bool> {
    net::flag(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP)
}

pub(crate) fn set_multicast_ttl_v4(fd: BorrowedFd<'_>, ttl: u32) -> io::Result<()> {
    net::set_option(
        fd,
        libc::IPPROTO_IP,
        libc::IP_MULTICAST_TTL,
        ttl as libc::c_int,
    )
}

pub(crate) fn multicast_ttl_v4(fd: BorrowedFd<'_>) -> io::Result<u32> {
    net::option_int(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_TTL).map(|v| v as u32)
}

pub(crate) fn set_multicast_loop_v6(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    net::set_flag(fd, libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_LOOP, on)
}

pub(crate) fn multicast_loop_v6(fd: BorrowedFd<'_>) -> io::Result<bool> {
    net::flag(fd, libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_LOOP)
}

pub(crate) fn only_v6(fd: BorrowedFd<'_>) -> io::Result<bool> {
    net::flag(fd, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY)
}

/// Joins (`join = true`) or leaves an IPv4 multicast group on `interface`.
pub(crate) fn multicast_v4(
    fd: BorrowedFd<'_>,
    group: &Ipv4Addr,
    interface: &Ipv4Addr,
    join: bool,
) -> io::Result<()> {
    let mreq = libc::ip_mreq {
        imr_multiaddr: libc::in_addr {
            s_addr: u32::from_ne_bytes(group.octets()),
        },
        imr_interface: libc::in_addr {
            s_addr: u32::from_ne_bytes(interface.octets()),
        },
    };
    let name = if join {
        libc::IP_ADD_MEMBERSHIP
    } else {
        libc::IP_DROP_MEMBERSHIP
    };
    net::set_option(fd, libc::IPPROTO_IP, name, mreq)
}

/// Joins (`join = true`) or leaves an IPv6 multicast group on interface number `interface`
/// (0: the system's choice).
pub(crate) fn multicast_v6(
    fd: BorrowedFd<'_>,
    group: &Ipv6Addr,
    interface: u32,
    join: bool,
) -> io::Result<()> {
    let mreq = libc::ipv6_mreq {
        ipv6mr_multiaddr: libc::in6_addr {
            s6_addr: group.octets(),
        },
        ipv6mr_interface: interface as _,
    };
    let name = if join {
        IPV6_JOIN_GROUP
    } else {
        IPV6_LEAVE_GROUP
    };
    net::set_option(fd, libc::IPPROTO_IPV6, name, mreq)
}
