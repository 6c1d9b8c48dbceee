//! TCP over winsock: listening, connecting, accepting, and the TCP-only options.
//!
//! Invariants:
//! * sockets come from `net::new_socket` (non-blocking, not inheritable); an accepted socket
//!   inherits non-blocking mode from the listener and is made non-inheritable at once;
//! * unlike on Unix, no `SO_REUSEADDR` before `bind`: on Windows it lets another socket take a
//!   port that is in use (std and mio leave it off too);
//! * `connect` returns at once; the outcome is reported by readiness (writable, or an error)
//!   and `take_error`.

use std::io;
use std::net::SocketAddr;
use std::os::windows::io::{AsRawSocket, AsSocket, BorrowedSocket, OwnedSocket};

use windows_sys::Win32::Networking::WinSock as ws;

use super::net::{self, empty_storage, to_socket_addr, wsa};
use crate::net::ListenOptions;

/// A listening socket bound to `addr`, set up as `options` say.
pub(crate) fn bind(addr: SocketAddr, options: &ListenOptions) -> io::Result<OwnedSocket> {
    if options.reuse_port {
        // Windows has no SO_REUSEPORT; SO_REUSEADDR there lets another socket steal the port.
        return Err(crate::error::unsupported(
            "setsockopt",
            "SO_REUSEPORT does not exist on Windows",
        ));
    }
    let socket = net::new_ip_socket(&addr, ws::SOCK_STREAM)?;
    if let (SocketAddr::V6(_), Some(only)) = (addr, options.ipv6_only) {
        net::set_flag(socket.as_socket(), ws::IPPROTO_IPV6, ws::IPV6_V6ONLY, only)?;
    }
    net::bind(socket.as_socket(), &addr)?;
    let backlog = i32::try_from(options.backlog).unwrap_or(i32::MAX);
    // SAFETY: listen takes a socket and an integer.
    wsa!(listen(socket.as_raw_socket() as ws::SOCKET, backlog))?;
    Ok(socket)
}

/// A socket whose connection to `addr` has started (or, rarely, is already made).
pub(crate) fn connect(addr: SocketAddr) -> io::Result<OwnedSocket> {
    let socket = net::new_ip_socket(&addr, ws::SOCK_STREAM)?;
    net::connect(socket.as_socket(), &addr)?;
    Ok(socket)
}

/// Accepts one pending connection: the new socket and the peer's address. `WouldBlock` when
/// none is pending.
pub(crate) fn accept(listener: BorrowedSocket<'_>) -> io::Result<(OwnedSocket, SocketAddr)> {
    let (mut storage, mut len) = empty_storage();
    // SAFETY: `storage` has room for `len` bytes and winsock updates `len`.
    let socket = unsafe {
        ws::accept(
            listener.as_raw_socket() as ws::SOCKET,
            (&mut storage as *mut ws::SOCKADDR_STORAGE).cast(),
            &mut len,
        )
    };
    let socket = net::adopt(socket, "accept")?;
    Ok((socket, to_socket_addr(&storage, len, "accept")?))
}

/// Turns Nagle's algorithm off (`TCP_NODELAY` on) or back on.
pub(crate) fn set_nodelay(socket: BorrowedSocket<'_>, nodelay: bool) -> io::Result<()> {
    net::set_flag(socket, ws::IPPROTO_TCP, ws::TCP_NODELAY, nodelay)
}

/// Whether `TCP_NODELAY` is on.
pub(crate) fn nodelay(socket: BorrowedSocket<'_>) -> io::Result<bool> {
    net::flag(socket, ws::IPPROTO_TCP, ws::TCP_NODELAY)
}
