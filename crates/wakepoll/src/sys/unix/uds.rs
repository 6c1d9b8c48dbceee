//! Unix domain sockets: addresses, listening, connecting, accepting, pairs and datagrams.
//!
//! Invariants:
//! * sockets come from `net::new_socket`, `net::socket_pair` and `net::accept`: never
//!   blocking, never inherited across `exec` (see net.rs for how on each platform);
//! * paths become `sockaddr_un` here, with wakepoll's errors (`EINVAL` for an interior NUL,
//!   `ENAMETOOLONG` for a path that does not fit), never by way of std's untagged ones;
//! * addresses the kernel writes come back as std's `SocketAddr`: a pathname, an unnamed
//!   address, or (Linux, Android) an abstract name.

use std::ffi::OsStr;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::{mem, ptr};

use crate::error;
use crate::sys::unix::net;
use crate::sys::unix::syscall;

/// The listen backlog (the kernel caps it at `net.core.somaxconn`).
const BACKLOG: libc::c_int = libc::SOMAXCONN;

/// A Unix socket address as the kernel takes it.
pub(crate) struct UnixAddr {
    raw: libc::sockaddr_un,
    len: libc::socklen_t,
}

impl UnixAddr {
    /// The address of the socket file at `path`; errors name `syscall`, the call it was for.
    pub(crate) fn from_path(path: &Path, syscall: &'static str) -> io::Result<UnixAddr> {
        let bytes = path.as_os_str().as_bytes();
        if bytes.contains(&0) {
            return Err(error::with_message(
                syscall,
                libc::EINVAL,
                "a socket path must not contain NUL bytes",
            ));
        }
        if bytes.is_empty() {
            return Err(error::with_message(
                syscall,
                libc::ENOENT,
                "a socket path must not be empty",
            ));
        }
        UnixAddr::from_bytes(bytes, true, syscall)
    }

    /// The address of std's `SocketAddr`: a pathname, an abstract name (Linux, Android) or
    /// the unnamed address.
    pub(crate) fn from_std(addr: &SocketAddr, syscall: &'static str) -> io::Result<UnixAddr> {
        if let Some(path) = addr.as_pathname() {
            return UnixAddr::from_path(path, syscall);
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            #[cfg(target_os = "android")]
            use std::os::android::net::SocketAddrExt;
            #[cfg(target_os = "linux")]
            use std::os::linux::net::SocketAddrExt;
            if let Some(name) = addr.as_abstract_name() {
                let mut bytes = Vec::with_capacity(name.len() + 1);
                bytes.push(0);
                bytes.extend_from_slice(name);
                return UnixAddr::from_bytes(&bytes, false, syscall);
            }
        }
        UnixAddr::from_bytes(&[], false, syscall)
    }

    /// `sun_path` = `bytes` (plus a NUL terminator for a pathname).
    fn from_bytes(bytes: &[u8], pathname: bool, syscall: &'static str) -> io::Result<UnixAddr> {
        // SAFETY: sockaddr_un is a plain C struct; all zeroes is a valid value.
        let mut raw: libc::sockaddr_un = unsafe { mem::zeroed() };
        raw.sun_family = libc::AF_UNIX as libc::sa_family_t;
        let room = raw.sun_path.len() - usize::from(pathname);
        if bytes.len() > room {
            return Err(error::with_message(
                syscall,
                libc::ENAMETOOLONG,
                "the socket path is longer than a sockaddr_un holds",
            ));
        }
        // SAFETY: `bytes` fits in `sun_path` (checked above); the two do not overlap.
        unsafe {
            ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                raw.sun_path.as_mut_ptr().cast::<u8>(),
                bytes.len(),
            )
        };
        // The NUL terminator of a pathname is already there: `raw` was zeroed.
        let len = path_offset() + bytes.len() + usize::from(pathname);
        Ok(UnixAddr {
            raw,
            len: len as libc::socklen_t,
        })
    }

    pub(crate) fn as_ptr(&self) -> *const libc::sockaddr {
        (&self.raw as *const libc::sockaddr_un).cast()
    }

    /// The length to pass with [`as_ptr`](UnixAddr::as_ptr).
    pub(crate) fn len(&self) -> libc::socklen_t {
        self.len
    }
}

/// Where `sun_path` starts in a `sockaddr_un`.
fn path_offset() -> usize {
    mem::offset_of!(libc::sockaddr_un, sun_path)
}

/// An address the kernel wrote, as std's `SocketAddr`.
fn to_std(raw: &libc::sockaddr_un, len: libc::socklen_t) -> io::Result<SocketAddr> {
    let len = (len as usize)
        .saturating_sub(path_offset())
        .min(raw.sun_path.len());
    // SAFETY: `c_char` and `u8` have the same size and alignment; the slice stays within
    // `sun_path`.
    let path: &[u8] = unsafe { &*(&raw.sun_path[..len] as *const [libc::c_char] as *const [u8]) };
    match path.first() {
        None => unnamed(),
        #[cfg(any(target_os = "linux", target_os = "android"))]
        Some(0) => {
            #[cfg(target_os = "android")]
            use std::os::android::net::SocketAddrExt;
            #[cfg(target_os = "linux")]
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(&path[1..]).or_else(|_| unnamed())
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        Some(0) => unnamed(),
        Some(_) => {
            let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
            SocketAddr::from_pathname(Path::new(OsStr::from_bytes(&path[..end])))
                .or_else(|_| unnamed())
        }
    }
}

fn unnamed() -> io::Result<SocketAddr> {
    // An empty pathname is how std spells the unnamed address.
    SocketAddr::from_pathname("")
}

/// A stream socket bound to `addr` and listening.
pub(crate) fn listen(addr: &UnixAddr) -> io::Result<OwnedFd> {
    listen_with_backlog(addr, BACKLOG as u32)
}

/// A listening Unix stream socket at `addr` with a backlog of the caller's (capped by the OS).
pub(crate) fn listen_with_backlog(addr: &UnixAddr, backlog: u32) -> io::Result<OwnedFd> {
    let fd = bind(addr, libc::SOCK_STREAM)?;
    let backlog = libc::c_int::try_from(backlog).unwrap_or(libc::c_int::MAX);
    // SAFETY: listen takes two integers.
    syscall!(listen(fd.as_raw_fd(), backlog))?;
    Ok(fd)
}

/// A datagram socket bound to `addr`.
pub(crate) fn bind_datagram(addr: &UnixAddr) -> io::Result<OwnedFd> {
    bind(addr, libc::SOCK_DGRAM)
}

/// A datagram socket bound to no address.
pub(crate) fn unbound_datagram() -> io::Result<OwnedFd> {
    net::new_socket(libc::AF_UNIX, libc::SOCK_DGRAM)
}

fn bind(addr: &UnixAddr, kind: libc::c_int) -> io::Result<OwnedFd> {
    let fd = net::new_socket(libc::AF_UNIX, kind)?;
    // SAFETY: `addr` holds a valid sockaddr_un of `addr.len` bytes.
    syscall!(bind(fd.as_raw_fd(), addr.as_ptr(), addr.len))?;
    Ok(fd)
}

/// Connects `fd` to `addr`. Returns at once; a connection still in progress is `Ok`.
pub(crate) fn connect(fd: BorrowedFd<'_>, addr: &UnixAddr) -> io::Result<()> {
    // SAFETY: `addr` holds a valid sockaddr_un of `addr.len` bytes.
    match syscall!(connect(fd.as_raw_fd(), addr.as_ptr(), addr.len)) {
        Ok(_) => Ok(()),
        Err(err) if error::errno(&err) == Some(libc::EINPROGRESS) => Ok(()),
        Err(err) => Err(err),
    }
}

/// A stream socket connected to `addr`.
pub(crate) fn connect_stream(addr: &UnixAddr) -> io::Result<OwnedFd> {
    let fd = net::new_socket(libc::AF_UNIX, libc::SOCK_STREAM)?;
    connect(fd.as_fd(), addr)?;
    Ok(fd)
}

/// A connected pair of stream sockets.
pub(crate) fn stream_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    net::socket_pair(libc::SOCK_STREAM)
}

/// A connected pair of datagram sockets.
pub(crate) fn datagram_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    net::socket_pair(libc::SOCK_DGRAM)
}

/// Accepts one pending connection: the new socket (non-blocking, close-on-exec) and the
/// peer's address (usually unnamed). `WouldBlock` when none is pending.
pub(crate) fn accept(listener: BorrowedFd<'_>) -> io::Result<(OwnedFd, SocketAddr)> {
    let (mut raw, mut len) = empty();
    // SAFETY: `raw` has room for `len` bytes and the kernel updates `len`.
    let fd = unsafe {
        net::accept(
            listener,
            (&mut raw as *mut libc::sockaddr_un).cast(),
            &mut len,
        )
    }?;
    Ok((fd, to_std(&raw, len)?))
}

/// The socket's own address (`getsockname`).
pub(crate) fn local_addr(fd: BorrowedFd<'_>) -> io::Result<SocketAddr> {
    let (mut raw, mut len) = empty();
    // SAFETY: `raw` has room for `len` bytes and the kernel updates `len`.
    syscall!(getsockname(
        fd.as_raw_fd(),
        (&mut raw as *mut libc::sockaddr_un).cast(),
        &mut len
    ))?;
    to_std(&raw, len)
}

/// The peer's address (`getpeername`); `ENOTCONN` while not connected.
pub(crate) fn peer_addr(fd: BorrowedFd<'_>) -> io::Result<SocketAddr> {
    let (mut raw, mut len) = empty();
    // SAFETY: `raw` has room for `len` bytes and the kernel updates `len`.
    syscall!(getpeername(
        fd.as_raw_fd(),
        (&mut raw as *mut libc::sockaddr_un).cast(),
        &mut len
    ))?;
    to_std(&raw, len)
}

/// `recvfrom(2)`: one datagram, and the sender's address.
pub(crate) fn recv_from(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
    let (mut raw, mut len) = empty();
    // SAFETY: `buf` is writable for `buf.len()` bytes, `raw` for `len` bytes, and the kernel
    // updates `len`.
    let n = syscall!(recvfrom(
        fd.as_raw_fd(),
        buf.as_mut_ptr().cast(),
        buf.len(),
        0,
        (&mut raw as *mut libc::sockaddr_un).cast(),
        &mut len
    ))?;
    Ok((n as usize, to_std(&raw, len)?))
}

/// `sendto(2)` the socket at `addr`, without SIGPIPE.
pub(crate) fn send_to(fd: BorrowedFd<'_>, buf: &[u8], addr: &UnixAddr) -> io::Result<usize> {
    // SAFETY: `buf` is readable for `buf.len()` bytes; `addr` holds a valid sockaddr_un of
    // `addr.len` bytes.
    let n = syscall!(sendto(
        fd.as_raw_fd(),
        buf.as_ptr().cast(),
        buf.len(),
        net::SEND_FLAGS,
        addr.as_ptr(),
        addr.len
    ))?;
    Ok(n as usize)
}

fn empty() -> (libc::sockaddr_un, libc::socklen_t) {
    // SAFETY: sockaddr_un is a plain C struct; all zeroes is a valid value.
    let raw: libc::sockaddr_un = unsafe { mem::zeroed() };
    (raw, mem::size_of::<libc::sockaddr_un>() as libc::socklen_t)
}

#[cfg(test)]
mod tests {
    use std::os::unix::net::SocketAddr;
    use std::path::Path;

    use super::{path_offset, to_std, UnixAddr};

    #[test]
    fn a_pathname_counts_its_nul_and_round_trips() {
        let addr = UnixAddr::from_path(Path::new("./foo/bar.sock"), "bind").unwrap();
        assert_eq!(addr.len as usize, path_offset() + 14 + 1);
        let back = to_std(&addr.raw, addr.len).unwrap();
        assert_eq!(back.as_pathname(), Some(Path::new("./foo/bar.sock")));
    }

    #[test]
    fn unnamed_round_trips() {
        let addr = UnixAddr::from_std(&SocketAddr::from_pathname("").unwrap(), "bind").unwrap();
        assert_eq!(addr.len as usize, path_offset());
        assert!(to_std(&addr.raw, addr.len).unwrap().is_unnamed());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_abstract_name_has_no_nul_and_round_trips() {
        use std::os::linux::net::SocketAddrExt;
        let std_addr = SocketAddr::from_abstract_name(b"wakepoll").unwrap();
        let addr = UnixAddr::from_std(&std_addr, "bind").unwrap();
        assert_eq!(addr.len as usize, path_offset() + 1 + 8);
        let back = to_std(&addr.raw, addr.len).unwrap();
        assert_eq!(back.as_abstract_name(), Some(&b"wakepoll"[..]));
    }

    #[test]
    fn bad_paths_are_errors_with_a_code() {
        let code = |e: std::io::Error| crate::error::sys_error(&e).unwrap().code();
        let nul = UnixAddr::from_path(Path::new("a\0b"), "bind")
            .err()
            .unwrap();
        assert_eq!(code(nul), "EINVAL");
        let long = "x".repeat(200);
        let long = UnixAddr::from_path(Path::new(&long), "connect")
            .err()
            .unwrap();
        assert_eq!(code(long), "ENAMETOOLONG");
    }
}
