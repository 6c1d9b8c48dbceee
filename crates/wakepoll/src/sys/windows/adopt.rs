//! Adopting a socket made elsewhere (inherited, duplicated into this process): what kind a
//! `SOCKET` is, and taking it. The same names as `sys/unix/adopt.rs`.
//!
//! Invariants:
//! * [`classify`] only asks (`getsockopt` of `SO_PROTOCOL_INFOW` — family, type, protocol —
//!   and `SO_ACCEPTCONN`): a refused socket is left exactly as it came;
//! * [`take`] makes the socket non-inheritable and non-blocking, as every socket wakepoll
//!   makes; if the second step fails, the first is undone (winsock cannot say whether a socket
//!   was non-blocking, so that is set last): on an error the socket is still the caller's.

use std::io;
use std::mem::size_of;
use std::os::windows::io::{BorrowedSocket, FromRawSocket, OwnedSocket, RawSocket};

use windows_sys::Win32::Foundation::{
    GetHandleInformation, SetHandleInformation, HANDLE, HANDLE_FLAG_INHERIT,
};
use windows_sys::Win32::Networking::WinSock as ws;

use crate::error;
use crate::net::adopt::Classified;
use crate::net::SocketKind;
use crate::sys::windows::net::{option_int, set_nonblocking, wsa};

/// The codes the public layer names: a socket of the wrong kind, and a handle that is no
/// socket (winsock's answer for a closed one too).
pub(crate) const EINVAL: i32 = ws::WSAEINVAL;
pub(crate) const ENOTSOCK: i32 = ws::WSAENOTSOCK;

/// The `SOCKET` of `raw`: `ENOTSOCK` for a number no handle can have.
pub(crate) fn raw_descriptor(raw: i64) -> io::Result<RawSocket> {
    RawSocket::try_from(raw).map_err(|_| error::from_errno("getsockopt", ENOTSOCK))
}

/// The socket's protocol info: its family, type and protocol.
pub(crate) fn protocol_info(socket: RawSocket) -> io::Result<ws::WSAPROTOCOL_INFOW> {
    let mut info = ws::WSAPROTOCOL_INFOW::default();
    let mut len = size_of::<ws::WSAPROTOCOL_INFOW>() as i32;
    // SAFETY: the pointer and length describe `info`, which winsock writes at most `len`
    // bytes of; the socket is only asked (a handle that is no socket is WSAENOTSOCK).
    wsa!(getsockopt(
        socket as ws::SOCKET,
        ws::SOL_SOCKET,
        ws::SO_PROTOCOL_INFOW,
        (&mut info as *mut ws::WSAPROTOCOL_INFOW).cast(),
        &mut len
    ))?;
    Ok(info)
}

/// What the socket `socket` is. `ENOTSOCK` if it is no socket (or closed).
pub(crate) fn classify(socket: RawSocket) -> io::Result<Classified> {
    let info = protocol_info(socket)?;
    let ip = info.iAddressFamily == i32::from(ws::AF_INET)
        || info.iAddressFamily == i32::from(ws::AF_INET6);
    if info.iAddressFamily == i32::from(ws::AF_UNIX) {
        return Ok(Err("a Unix domain socket (wakepoll has none on Windows)"));
    }
    if !ip {
        return Ok(Err(
            "a socket of another address family (neither IP nor Unix)",
        ));
    }
    Ok(match (info.iSocketType, info.iProtocol) {
        (ws::SOCK_STREAM, ws::IPPROTO_TCP) => {
            // SAFETY: the socket was just seen to be open; it is only asked.
            let borrowed = unsafe { BorrowedSocket::borrow_raw(socket) };
            if option_int(borrowed, ws::SOL_SOCKET, ws::SO_ACCEPTCONN)? != 0 {
                Ok(SocketKind::TcpListener)
            } else {
                Ok(SocketKind::TcpStream)
            }
        }
        (ws::SOCK_DGRAM, ws::IPPROTO_UDP) => Ok(SocketKind::UdpSocket),
        (ws::SOCK_RAW, _) => Err("a raw IP socket"),
        _ => Err("an IP socket of another type or protocol"),
    })
}

/// Makes `socket` non-inheritable and non-blocking and takes it. On an error nothing is
/// taken and its inheritance is as it was.
///
/// # Safety
/// `socket` is an open socket the caller owns and hands over when this succeeds.
pub(crate) unsafe fn take(socket: RawSocket) -> io::Result<OwnedSocket> {
    let handle = socket as HANDLE;
    let mut was = 0u32;
    // SAFETY: `socket` is open (the caller's); GetHandleInformation writes one u32.
    if unsafe { GetHandleInformation(handle, &mut was) } == 0 {
        return Err(error::last("GetHandleInformation"));
    }
    // SAFETY: as above; only the inherit flag changes.
    if unsafe { SetHandleInformation(handle, HANDLE_FLAG_INHERIT, 0) } == 0 {
        return Err(error::last("SetHandleInformation"));
    }
    // SAFETY: the socket is open for the length of this call.
    let borrowed = unsafe { BorrowedSocket::borrow_raw(socket) };
    if let Err(err) = set_nonblocking(borrowed, true) {
        // SAFETY: as above: put the inherit flag back as it was.
        unsafe { SetHandleInformation(handle, HANDLE_FLAG_INHERIT, was & HANDLE_FLAG_INHERIT) };
        return Err(err);
    }
    // SAFETY: the caller hands over `socket`, open (just configured).
    Ok(unsafe { OwnedSocket::from_raw_socket(socket) })
}
