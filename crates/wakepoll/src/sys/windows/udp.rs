//! UDP over winsock: binding, and the datagram-only options (broadcast, multicast, v6-only).
//!
//! Sending and receiving are `net::{send_to, recv_from, send, recv}`; connecting is
//! `net::connect` (for UDP it only fixes the peer, it never blocks).

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::windows::io::{AsSocket, BorrowedSocket, OwnedSocket};

use windows_sys::Win32::Networking::WinSock as ws;

use super::net;

/// A datagram socket bound to `addr`.
pub(crate) fn bind(addr: SocketAddr) -> io::Result<OwnedSocket> {
    let socket = net::new_ip_socket(&addr, ws::SOCK_DGRAM)?;
    net::bind(socket.as_socket(), &addr)?;
    Ok(socket)
}

pub(crate) fn set_broadcast(socket: BorrowedSocket<'_>, on: bool) -> io::Result<()> {
    net::set_flag(socket, ws::SOL_SOCKET, ws::SO_BROADCAST, on)
}

pub(crate) fn broadcast(socket: BorrowedSocket<'_>) -> io::Result<bool> {
    net::flag(socket, ws::SOL_SOCKET, ws::SO_BROADCAST)
}

pub(crate) fn set_multicast_loop_v4(socket: BorrowedSocket<'_>, on: bool) -> io::Result<()> {
    net::set_flag(socket, ws::IPPROTO_IP, ws::IP_MULTICAST_LOOP, on)
}

pub(crate) fn multicast_loop_v4(socket: BorrowedSocket<'_>) -> io::Result<bool> {
    net::flag(socket, ws::IPPROTO_IP, ws::IP_MULTICAST_LOOP)
}

pub(crate) fn set_multicast_ttl_v4(socket: BorrowedSocket<'_>, ttl: u32) -> io::Result<()> {
    net::set_option(socket, ws::IPPROTO_IP, ws::IP_MULTICAST_TTL, ttl as i32)
}

pub(crate) fn multicast_ttl_v4(socket: BorrowedSocket<'_>) -> io::Result<u32> {
    net::option_int(socket, ws::IPPROTO_IP, ws::IP_MULTICAST_TTL).map(|v| v as u32)
}

pub(crate) fn set_multicast_loop_v6(socket: BorrowedSocket<'_>, on: bool) -> io::Result<()> {
    net::set_flag(socket, ws::IPPROTO_IPV6, ws::IPV6_MULTICAST_LOOP, on)
}

pub(crate) fn multicast_loop_v6(socket: BorrowedSocket<'_>) -> io::Result<bool> {
    net::flag(socket, ws::IPPROTO_IPV6, ws::IPV6_MULTICAST_LOOP)
}

pub(crate) fn only_v6(socket: BorrowedSocket<'_>) -> io::Result<bool> {
    net::flag(socket, ws::IPPROTO_IPV6, ws::IPV6_V6ONLY)
}

/// Joins (`join = true`) or leaves an IPv4 multicast group on `interface`.
pub(crate) fn multicast_v4(
    socket: BorrowedSocket<'_>,
    group: &Ipv4Addr,
    interface: &Ipv4Addr,
    join: bool,
) -> io::Result<()> {
    let mut mreq = ws::IP_MREQ::default();
    mreq.imr_multiaddr.S_un.S_addr = u32::from_ne_bytes(group.octets());
    mreq.imr_interface.S_un.S_addr = u32::from_ne_bytes(interface.octets());
    let name = if join {
        ws::IP_ADD_MEMBERSHIP
    } else {
        ws::IP_DROP_MEMBERSHIP
    };
    net::set_option(socket, ws::IPPROTO_IP, name, mreq)
}

/// Joins (`join = true`) or leaves an IPv6 multicast group on interface number `interface`
/// (0: the system's choice).
pub(crate) fn multicast_v6(
    socket: BorrowedSocket<'_>,
    group: &Ipv6Addr,
    interface: u32,
    join: bool,
) -> io::Result<()> {
    let mut mreq = ws::IPV6_MREQ {
        ipv6mr_interface: interface,
        ..Default::default()
    };
    mreq.ipv6mr_multiaddr.u.Byte = group.octets();
    let name = if join {
        ws::IPV6_ADD_MEMBERSHIP
    } else {
        ws::IPV6_DROP_MEMBERSHIP
    };
    net::set_option(socket, ws::IPPROTO_IPV6, name, mreq)
}
