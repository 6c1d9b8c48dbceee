//! TCP: listening, connecting, accepting, and the TCP-only options.
//!
//! Invariants:
//! * sockets come from `net::new_socket` and accepted ones from `net::accept`: non-blocking
//!   and close-on-exec (see net.rs for the one platform, macOS, where that takes a second
//!   step);
//! * a listener sets `SO_REUSEADDR` before `bind`, as mio and std do on Unix, so a restarted
//!   server can bind its port while old connections sit in `TIME_WAIT`;
//! * `connect` returns at once; the outcome is reported by readiness (writable) and
//!   `take_error`.

use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

use crate::net::ListenOptions;
use crate::sys::unix::net::{self, empty_storage, to_socket_addr};
use crate::sys::unix::syscall;

/// A listening socket bound to `addr`, set up as `options` say.
pub(crate) fn bind(addr: SocketAddr, options: &ListenOptions) -> io::Result<OwnedFd> {
    let fd = net::new_ip_socket(&addr, libc::SOCK_STREAM)?;
    net::set_flag(fd.as_fd(), libc::SOL_SOCKET, libc::SO_REUSEADDR, true)?;
    if options.reuse_port {
        net::set_flag(fd.as_fd(), libc::SOL_SOCKET, libc::SO_REUSEPORT, true)?;
    }
    if let (SocketAddr::V6(_), Some(only)) = (addr, options.ipv6_only) {
        net::set_flag(fd.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, only)?;
    }
    net::bind(fd.as_fd(), &addr)?;
    let backlog = libc::c_int::try_from(options.backlog).unwrap_or(libc::c_int::MAX);
    // SAFETY: listen takes two integers.
    syscall!(listen(fd.as_raw_fd(), backlog))?;
    Ok(fd)
}

/// A socket whose connection to `addr` has started (or, rarely, is already made).
pub(crate) fn connect(addr: SocketAddr) -> io::Result<OwnedFd> {
    let fd = net::new_ip_socket(&addr, libc::SOCK_STREAM)?;
    net::connect(fd.as_fd(), &addr)?;
    Ok(fd)
}

/// Accepts one pending connection: the new socket (non-blocking, close-on-exec) and the
/// peer's address. `WouldBlock` when none is pending.
pub(crate) fn accept(listener: BorrowedFd<'_>) -> io::Result<(OwnedFd, SocketAddr)> {
    let (mut storage, mut len) = empty_storage();
    // SAFETY: `storage` has room for `len` bytes and the kernel updates `len`.
    let fd = unsafe {
        net::accept(
            listener,
            (&mut storage as *mut libc::sockaddr_storage).cast(),
            &mut len,
        )
    }?;
    Ok((fd, to_socket_addr(&storage, len, net::ACCEPT)?))
}

/// Turns Nagle's algorithm off (`TCP_NODELAY` on) or back on.
pub(crate) fn set_nodelay(fd: BorrowedFd<'_>, nodelay: bool) -> io::Result<()> {
    net::set_flag(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, nodelay)
}

/// Whether `TCP_NODELAY` is on.
pub(crate) fn nodelay(fd: BorrowedFd<'_>) -> io::Result<bool> {
    net::flag(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY)
}
