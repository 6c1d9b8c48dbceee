//! What every socket shares: creation, IP addresses, options, and sending and receiving.
//!
//! Invariants:
//! * every socket made here (by [`new_socket`], [`socket_pair`] and [`accept`]) is
//!   non-blocking and close-on-exec, so no call on one ever blocks. Where the kernel takes
//!   `SOCK_NONBLOCK | SOCK_CLOEXEC` (Linux, Android, FreeBSD: `socket`, `socketpair`,
//!   `accept4`) that holds from the socket's first instant, and a `fork` + `exec` in another
//!   thread never inherits one; macOS has none of these, so the flags are set right after
//!   creation, as std and mio do there (a `fork` + `exec` in that instant can inherit it);
//! * an fd is an `OwnedFd` as soon as the kernel returns it, so a failure in a later step
//!   (the flags above, bind, listen) closes it;
//! * writing to a socket whose peer is gone is `EPIPE`, never a SIGPIPE (which would kill a
//!   process that has not ignored it): sends carry `MSG_NOSIGNAL` where it exists, and on
//!   macOS, which lacks it, every socket made here has `SO_NOSIGPIPE` set;
//! * each function makes one system call (two for `take_error`'s none) and names it in its
//!   error; `EAGAIN` is kind `WouldBlock`, `EINTR` kind `Interrupted`, left to the caller;
//! * IP addresses cross the boundary through [`SockAddr`], built only from a Rust
//!   `SocketAddr`, and come back through [`to_socket_addr`], which checks family and length.

use std::io::{self, IoSlice};
use std::mem::{self, MaybeUninit};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use crate::error;
use crate::sys::unix::io::MAX_IOV;
use crate::sys::unix::syscall;

/// The flags of every send: no SIGPIPE for a peer that is gone.
#[cfg(not(target_vendor = "apple"))]
pub(crate) const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;
/// macOS has no `MSG_NOSIGNAL`; its sockets carry `SO_NOSIGPIPE` instead (see
/// [`set_socket_flags`]).
#[cfg(target_vendor = "apple")]
pub(crate) const SEND_FLAGS: libc::c_int = 0;

/// A new socket of `domain` and `kind` (`SOCK_STREAM`, `SOCK_DGRAM`): non-blocking and
/// close-on-exec.
pub(crate) fn new_socket(domain: libc::c_int, kind: libc::c_int) -> io::Result<OwnedFd> {
    #[cfg(not(target_vendor = "apple"))]
    let kind = kind | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: socket takes three integers.
    let fd = syscall!(socket(domain, kind, 0))?;
    // SAFETY: `fd` was just returned by socket and nothing else owns it.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    set_socket_flags(&fd)?;
    Ok(fd)
}

/// A connected pair of sockets of `kind` (`socketpair(2)`, `AF_UNIX`): non-blocking and
/// close-on-exec.
pub(crate) fn socket_pair(kind: libc::c_int) -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds: [libc::c_int; 2] = [-1, -1];
    #[cfg(not(target_vendor = "apple"))]
    let kind = kind | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: `fds` has room for the two fds socketpair writes.
    syscall!(socketpair(libc::AF_UNIX, kind, 0, fds.as_mut_ptr()))?;
    // SAFETY: socketpair returned two new fds that nothing else owns.
    let (a, b) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    set_socket_flags(&a)?;
    set_socket_flags(&b)?;
    Ok((a, b))
}

/// Accepts one pending connection on `listener` into `storage` (`len` bytes, updated by the
/// kernel): the new socket, non-blocking and close-on-exec. `WouldBlock` when none is pending.
///
/// # Safety
///
/// `storage` must be valid for writes of `*len` bytes.
pub(crate) unsafe fn accept(
    listener: BorrowedFd<'_>,
    storage: *mut libc::sockaddr,
    len: &mut libc::socklen_t,
) -> io::Result<OwnedFd> {
    // SAFETY: the caller guarantees `storage` has room for `*len` bytes.
    #[cfg(not(target_vendor = "apple"))]
    let fd = syscall!(accept4(
        listener.as_raw_fd(),
        storage,
        len,
        libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC
    ))?;
    // SAFETY: the caller guarantees `storage` has room for `*len` bytes.
    #[cfg(target_vendor = "apple")]
    let fd = syscall!(accept(listener.as_raw_fd(), storage, len))?;
    // SAFETY: `fd` was just returned by the kernel and nothing else owns it.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    set_socket_flags(&fd)?;
    Ok(fd)
}

/// The system call [`accept`] makes, for the errors of the address it returns.
#[cfg(not(target_vendor = "apple"))]
pub(crate) const ACCEPT: &str = "accept4";
/// The system call [`accept`] makes, for the errors of the address it returns.
#[cfg(target_vendor = "apple")]
pub(crate) const ACCEPT: &str = "accept";

/// Nothing to do: the socket was made with `SOCK_NONBLOCK | SOCK_CLOEXEC` and sends carry
/// `MSG_NOSIGNAL`.
#[cfg(not(target_vendor = "apple"))]
fn set_socket_flags(_: &OwnedFd) -> io::Result<()> {
    Ok(())
}

/// What macOS cannot set at creation: close-on-exec, non-blocking, and `SO_NOSIGPIPE` (it has
/// no `MSG_NOSIGNAL`; set on accepted sockets too, rather than relying on inheritance).
#[cfg(target_vendor = "apple")]
fn set_socket_flags(fd: &OwnedFd) -> io::Result<()> {
    use std::os::fd::AsFd;
    crate::sys::unix::io::set_cloexec(fd.as_fd())?;
    crate::sys::unix::io::set_nonblocking(fd.as_fd(), true)?;
    set_flag(fd.as_fd(), libc::SOL_SOCKET, libc::SO_NOSIGPIPE, true)
}

/// A new socket for `addr`'s family (`AF_INET` or `AF_INET6`).
pub(crate) fn new_ip_socket(addr: &SocketAddr, kind: libc::c_int) -> io::Result<OwnedFd> {
    let domain = match addr {
        SocketAddr::V4(_) => libc::AF_INET,
        SocketAddr::V6(_) => libc::AF_INET6,
    };
    new_socket(domain, kind)
}

/// An IP address as the kernel takes it.
#[repr(C)]
pub(crate) union SockAddr {
    v4: libc::sockaddr_in,
    v6: libc::sockaddr_in6,
}

impl SockAddr {
    /// The address of `addr`, and the length to pass with it.
    pub(crate) fn new(addr: &SocketAddr) -> (SockAddr, libc::socklen_t) {
        match addr {
            SocketAddr::V4(addr) => {
                // SAFETY: sockaddr_in is a plain C struct; all zeroes is a valid value.
                let mut sin: libc::sockaddr_in = unsafe { mem::zeroed() };
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_port = addr.port().to_be();
                sin.sin_addr = libc::in_addr {
                    s_addr: u32::from_ne_bytes(addr.ip().octets()),
                };
                let len = mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
                (SockAddr { v4: sin }, len)
            }
            SocketAddr::V6(addr) => {
                // SAFETY: sockaddr_in6 is a plain C struct; all zeroes is a valid value.
                let mut sin6: libc::sockaddr_in6 = unsafe { mem::zeroed() };
                sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sin6.sin6_port = addr.port().to_be();
                sin6.sin6_addr = libc::in6_addr {
                    s6_addr: addr.ip().octets(),
                };
                sin6.sin6_flowinfo = addr.flowinfo();
                sin6.sin6_scope_id = addr.scope_id();
                let len = mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t;
                (SockAddr { v6: sin6 }, len)
            }
        }
    }

    pub(crate) fn as_ptr(&self) -> *const libc::sockaddr {
        (self as *const SockAddr).cast()
    }
}

/// An address the kernel wrote (`getsockname`, `accept4`, `recvfrom`), as a Rust
/// `SocketAddr`; `EAFNOSUPPORT` if it is not an IP address.
pub(crate) fn to_socket_addr(
    storage: &libc::sockaddr_storage,
    len: libc::socklen_t,
    syscall: &'static str,
) -> io::Result<SocketAddr> {
    let len = len as usize;
    match storage.ss_family as libc::c_int {
        libc::AF_INET if len >= mem::size_of::<libc::sockaddr_in>() => {
            // SAFETY: the family says the storage holds a sockaddr_in, the length says the
            // kernel wrote all of it, and sockaddr_storage is aligned for every sockaddr.
            let sin =
                unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
            Ok(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)).into())
        }
        libc::AF_INET6 if len >= mem::size_of::<libc::sockaddr_in6>() => {
            // SAFETY: as above, for a sockaddr_in6.
            let sin6 = unsafe {
                &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            let port = u16::from_be(sin6.sin6_port);
            Ok(SocketAddrV6::new(ip, port, sin6.sin6_flowinfo, sin6.sin6_scope_id).into())
        }
        _ => Err(error::with_message(
            syscall,
            libc::EAFNOSUPPORT,
            "the socket's address is not an IP address",
        )),
    }
}

/// Zeroed storage for an address the kernel writes, and its length.
pub(crate) fn empty_storage() -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is a plain C struct; all zeroes is a valid value.
    let storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    (
        storage,
        mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t,
    )
}

/// `bind(2)` to an IP address.
pub(crate) fn bind(fd: BorrowedFd<'_>, addr: &SocketAddr) -> io::Result<()> {
    let (raw, len) = SockAddr::new(addr);
    // SAFETY: `raw` holds a valid address of `len` bytes that lives across the call.
    syscall!(bind(fd.as_raw_fd(), raw.as_ptr(), len)).map(drop)
}

/// `connect(2)` to an IP address. A connection still in progress (`EINPROGRESS`) is `Ok`:
/// the socket reports writable once it is made or has failed (see [`take_error`]).
pub(crate) fn connect(fd: BorrowedFd<'_>, addr: &SocketAddr) -> io::Result<()> {
    let (raw, len) = SockAddr::new(addr);
    // SAFETY: `raw` holds a valid address of `len` bytes that lives across the call.
    match syscall!(connect(fd.as_raw_fd(), raw.as_ptr(), len)) {
        Ok(_) => Ok(()),
        Err(err) if error::errno(&err) == Some(libc::EINPROGRESS) => Ok(()),
        Err(err) => Err(err),
    }
}

/// The local IP address (`getsockname`).
pub(crate) fn local_addr(fd: BorrowedFd<'_>) -> io::Result<SocketAddr> {
    let (mut storage, mut len) = empty_storage();
    // SAFETY: `storage` has room for `len` bytes, the kernel updates `len`.
    syscall!(getsockname(
        fd.as_raw_fd(),
        (&mut storage as *mut libc::sockaddr_storage).cast(),
        &mut len
    ))?;
    to_socket_addr(&storage, len, "getsockname")
}

/// The peer's IP address (`getpeername`); `ENOTCONN` while not connected.
pub(crate) fn peer_addr(fd: BorrowedFd<'_>) -> io::Result<SocketAddr> {
    let (mut storage, mut len) = empty_storage();
    // SAFETY: `storage` has room for `len` bytes, the kernel updates `len`.
    syscall!(getpeername(
        fd.as_raw_fd(),
        (&mut storage as *mut libc::sockaddr_storage).cast(),
        &mut len
    ))?;
    to_socket_addr(&storage, len, "getpeername")
}

/// `recv(2)`: `Ok(0)` at end of stream (or for an empty datagram).
pub(crate) fn recv(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    recv_with(fd, buf, 0)
}

/// `recv(2)` with `MSG_PEEK`: the data stays queued.
pub(crate) fn peek(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    recv_with(fd, buf, libc::MSG_PEEK)
}

fn recv_with(fd: BorrowedFd<'_>, buf: &mut [u8], flags: libc::c_int) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes for the length of the call.
    let n = syscall!(recv(
        fd.as_raw_fd(),
        buf.as_mut_ptr().cast(),
        buf.len(),
        flags
    ))?;
    Ok(n as usize)
}

/// `send(2)` without SIGPIPE.
pub(crate) fn send(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes for the length of the call.
    let n = syscall!(send(
        fd.as_raw_fd(),
        buf.as_ptr().cast(),
        buf.len(),
        SEND_FLAGS
    ))?;
    Ok(n as usize)
}

/// `sendmsg(2)` of `bufs` in order, without SIGPIPE (`writev` cannot take `MSG_NOSIGNAL`).
pub(crate) fn send_vectored(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    // SAFETY: msghdr is a plain C struct; all zeroes is a valid (empty) message.
    let mut msg: libc::msghdr = unsafe { mem::zeroed() };
    // The kernel only reads the iovecs; msghdr's field is `*mut` for recvmsg's sake.
    msg.msg_iov = bufs.as_ptr().cast_mut().cast();
    msg.msg_iovlen = bufs.len().min(MAX_IOV) as _;
    // SAFETY: `IoSlice` is ABI-compatible with `iovec`; each describes a live buffer
    // borrowed for the call, and `msg_iovlen` does not exceed `bufs.len()`.
    let n = syscall!(sendmsg(fd.as_raw_fd(), &msg, SEND_FLAGS))?;
    Ok(n as usize)
}

/// `recvfrom(2)`: one datagram, and the sender's IP address.
pub(crate) fn recv_from(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
    recv_from_with(fd, buf, 0)
}

/// `recvfrom(2)` with `MSG_PEEK`: the datagram stays queued.
pub(crate) fn peek_from(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
    recv_from_with(fd, buf, libc::MSG_PEEK)
}

fn recv_from_with(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    flags: libc::c_int,
) -> io::Result<(usize, SocketAddr)> {
    let (mut storage, mut len) = empty_storage();
    // SAFETY: `buf` is writable for `buf.len()` bytes, `storage` for `len` bytes, and the
    // kernel updates `len`.
    let n = syscall!(recvfrom(
        fd.as_raw_fd(),
        buf.as_mut_ptr().cast(),
        buf.len(),
        flags,
        (&mut storage as *mut libc::sockaddr_storage).cast(),
        &mut len
    ))?;
    Ok((n as usize, to_socket_addr(&storage, len, "recvfrom")?))
}

/// `sendto(2)` an IP address, without SIGPIPE.
pub(crate) fn send_to(fd: BorrowedFd<'_>, buf: &[u8], target: &SocketAddr) -> io::Result<usize> {
    let (raw, len) = SockAddr::new(target);
    // SAFETY: `buf` is readable for `buf.len()` bytes; `raw` holds a valid address of `len`
    // bytes; both live across the call.
    let n = syscall!(sendto(
        fd.as_raw_fd(),
        buf.as_ptr().cast(),
        buf.len(),
        SEND_FLAGS,
        raw.as_ptr(),
        len
    ))?;
    Ok(n as usize)
}

/// `shutdown(2)` of one or both halves.
pub(crate) fn shutdown(fd: BorrowedFd<'_>, how: Shutdown) -> io::Result<()> {
    let how = match how {
        Shutdown::Read => libc::SHUT_RD,
        Shutdown::Write => libc::SHUT_WR,
        Shutdown::Both => libc::SHUT_RDWR,
    };
    // SAFETY: shutdown takes two integers.
    syscall!(shutdown(fd.as_raw_fd(), how)).map(drop)
}

/// Sets a socket option (`setsockopt(2)`) to `value`, a plain C value of the option's type.
pub(crate) fn set_option<T: Copy>(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    value: T,
) -> io::Result<()> {
    // SAFETY: the pointer and length describe `value`, which lives across the call.
    syscall!(setsockopt(
        fd.as_raw_fd(),
        level,
        name,
        (&value as *const T).cast(),
        mem::size_of::<T>() as libc::socklen_t
    ))
    .map(drop)
}

/// Reads an integer socket option (`getsockopt(2)`).
pub(crate) fn option_int(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
) -> io::Result<libc::c_int> {
    let mut value = MaybeUninit::<libc::c_int>::zeroed();
    let mut len = mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: the pointer and length describe `value`; the kernel writes at most `len` bytes.
    syscall!(getsockopt(
        fd.as_raw_fd(),
        level,
        name,
        value.as_mut_ptr().cast(),
        &mut len
    ))?;
    // SAFETY: zeroed, then (partly) written by the kernel: every bit pattern is a c_int.
    Ok(unsafe { value.assume_init() })
}

/// Sets a boolean socket option.
pub(crate) fn set_flag(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    on: bool,
) -> io::Result<()> {
    set_option(fd, level, name, libc::c_int::from(on))
}

/// Reads a boolean socket option.
pub(crate) fn flag(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<bool> {
    option_int(fd, level, name).map(|v| v != 0)
}

/// Takes the socket's pending error (`SO_ERROR`), clearing it. The error names `getsockopt`,
/// the call that fetched it; for a non-blocking `connect` that failed, the caller may
/// re-label it with [`error::from_errno`]`("connect", errno)`.
pub(crate) fn take_error(fd: BorrowedFd<'_>) -> io::Result<Option<io::Error>> {
    match option_int(fd, libc::SOL_SOCKET, libc::SO_ERROR)? {
        0 => Ok(None),
        errno => Ok(Some(error::from_errno("getsockopt", errno))),
    }
}

/// Sets the IP time-to-live (`IP_TTL`), as std does for both families.
pub(crate) fn set_ttl(fd: BorrowedFd<'_>, ttl: u32) -> io::Result<()> {
    set_option(fd, libc::IPPROTO_IP, libc::IP_TTL, ttl as libc::c_int)
}

/// The IP time-to-live (`IP_TTL`).
pub(crate) fn ttl(fd: BorrowedFd<'_>) -> io::Result<u32> {
    option_int(fd, libc::IPPROTO_IP, libc::IP_TTL).map(|v| v as u32)
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::{empty_storage, to_socket_addr, SockAddr};

    fn round_trip(addr: SocketAddr) -> SocketAddr {
        let (raw, len) = SockAddr::new(&addr);
        let (mut storage, _) = empty_storage();
        // SAFETY: `len` bytes of `raw` are initialised, and storage is larger than either
        // member of the union.
        unsafe {
            std::ptr::copy_nonoverlapping(
                raw.as_ptr().cast::<u8>(),
                (&mut storage as *mut libc::sockaddr_storage).cast::<u8>(),
                len as usize,
            )
        };
        to_socket_addr(&storage, len, "test").unwrap()
    }

    #[test]
    fn ip_addresses_round_trip() {
        for addr in ["127.0.0.1:8080", "[::1]:443", "[fe80::1%3]:9", "0.0.0.0:0"] {
            let addr: SocketAddr = addr.parse().unwrap();
            assert_eq!(round_trip(addr), addr);
        }
    }

    #[test]
    fn a_short_or_foreign_address_is_refused() {
        let (storage, _) = empty_storage();
        let err = to_socket_addr(&storage, 2, "getsockname").unwrap_err();
        let sys = crate::error::sys_error(&err).unwrap();
        assert_eq!((sys.code(), sys.syscall()), ("EAFNOSUPPORT", "getsockname"));
    }
}
