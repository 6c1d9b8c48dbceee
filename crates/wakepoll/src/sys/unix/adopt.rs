//! Adopting a socket made elsewhere: what kind an fd is, and taking it.
//!
//! Invariants:
//! * [`classify`] only asks (`getsockopt`, `getsockname`): it changes nothing, so an fd that
//!   is refused is left exactly as it came;
//! * [`take`] records the fd's flags before it sets its own (non-blocking, close-on-exec, and
//!   on macOS `SO_NOSIGPIPE`) and puts them back if a step fails: on an error the fd is still
//!   the caller's, open and as it was;
//! * the fd's `O_NONBLOCK` belongs to its open file description, which the process that made
//!   it may share: after adoption that process sees it non-blocking too (as with node:net's
//!   `listen({ fd })`).

use std::io;
use std::mem;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

use crate::error;
use crate::net::adopt::Classified;
use crate::net::SocketKind;
use crate::sys::unix::syscall;

pub(crate) use libc::{EINVAL, ENOTSOCK};

/// The fd number of `raw`: `EBADF` for a number no fd can have.
pub(crate) fn raw_descriptor(raw: i64) -> io::Result<RawFd> {
    RawFd::try_from(raw)
        .ok()
        .filter(|fd| *fd >= 0)
        .ok_or_else(|| error::from_errno("getsockopt", libc::EBADF))
}

/// An integer socket option of `fd`.
fn option(fd: RawFd, name: libc::c_int) -> io::Result<libc::c_int> {
    let mut value: libc::c_int = 0;
    let mut len = mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: the pointer and length describe `value`, which the kernel writes at most `len`
    // bytes of; the fd is only asked, never changed (a closed one is EBADF).
    syscall!(getsockopt(
        fd,
        libc::SOL_SOCKET,
        name,
        (&mut value as *mut libc::c_int).cast(),
        &mut len
    ))?;
    Ok(value)
}

/// The address family of `fd`'s own address (`getsockname`), or `None` if the kernel wrote
/// none.
fn family(fd: RawFd) -> io::Result<Option<libc::c_int>> {
    // SAFETY: sockaddr_storage is a plain C struct; all zeroes is a valid value.
    let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: `storage` has room for `len` bytes; the kernel updates `len`.
    syscall!(getsockname(
        fd,
        (&mut storage as *mut libc::sockaddr_storage).cast(),
        &mut len
    ))?;
    let has_family = len as usize
        >= mem::offset_of!(libc::sockaddr_storage, ss_family) + mem::size_of::<libc::sa_family_t>();
    Ok(has_family.then_some(libc::c_int::from(storage.ss_family)))
}

/// What the open fd `fd` is. `EBADF` if it is not open, `ENOTSOCK` if it is no socket (both
/// from the first `getsockopt`).
pub(crate) fn classify(fd: RawFd) -> io::Result<Classified> {
    let kind = option(fd, libc::SO_TYPE)?;
    let family = family(fd)?;
    let listening = || option(fd, libc::SO_ACCEPTCONN).map(|on| on != 0);
    let ip = matches!(family, Some(libc::AF_INET | libc::AF_INET6));
    let unix = family == Some(libc::AF_UNIX);
    Ok(match kind {
        libc::SOCK_STREAM if ip || unix => match (unix, listening()?) {
            (false, true) => Ok(SocketKind::TcpListener),
            (false, false) => Ok(SocketKind::TcpStream),
            (true, true) => Ok(SocketKind::UnixListener),
            (true, false) => Ok(SocketKind::UnixStream),
        },
        libc::SOCK_DGRAM if ip => Ok(SocketKind::UdpSocket),
        libc::SOCK_DGRAM if unix => Ok(SocketKind::UnixDatagram),
        libc::SOCK_SEQPACKET if unix => Err("a Unix seqpacket socket"),
        libc::SOCK_RAW if ip => Err("a raw IP socket"),
        _ if ip => Err("an IP socket of another type"),
        _ if unix => Err("a Unix socket of another type"),
        _ => Err("a socket of another address family (neither IP nor Unix)"),
    })
}

/// The flags [`take`] changes, as they were.
struct Flags {
    status: libc::c_int,
    descriptor: libc::c_int,
    #[cfg(target_vendor = "apple")]
    no_sigpipe: libc::c_int,
}

fn read_flags(fd: RawFd) -> io::Result<Flags> {
    Ok(Flags {
        // SAFETY: F_GETFL and F_GETFD take no argument and change nothing.
        status: syscall!(fcntl(fd, libc::F_GETFL))?,
        // SAFETY: as above.
        descriptor: syscall!(fcntl(fd, libc::F_GETFD))?,
        #[cfg(target_vendor = "apple")]
        no_sigpipe: option(fd, libc::SO_NOSIGPIPE)?,
    })
}

fn set_flags(fd: RawFd, was: &Flags) -> io::Result<()> {
    // SAFETY: F_SETFL takes an int of status flags: the old ones plus O_NONBLOCK.
    syscall!(fcntl(fd, libc::F_SETFL, was.status | libc::O_NONBLOCK))?;
    // SAFETY: F_SETFD takes an int of fd flags: the old ones plus FD_CLOEXEC.
    syscall!(fcntl(fd, libc::F_SETFD, was.descriptor | libc::FD_CLOEXEC))?;
    // macOS has no MSG_NOSIGNAL: every wakepoll socket carries SO_NOSIGPIPE (see net.rs).
    #[cfg(target_vendor = "apple")]
    {
        let on: libc::c_int = 1;
        // SAFETY: the pointer and length describe `on`, which lives across the call.
        syscall!(setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_NOSIGPIPE,
            (&on as *const libc::c_int).cast(),
            mem::size_of::<libc::c_int>() as libc::socklen_t
        ))?;
    }
    Ok(())
}

/// Puts back what [`set_flags`] may have changed (best effort: it runs only after a step
/// failed, on an fd that then stays the caller's).
fn restore_flags(fd: RawFd, was: &Flags) {
    // SAFETY: as in set_flags, with the recorded values.
    let _ = syscall!(fcntl(fd, libc::F_SETFL, was.status));
    // SAFETY: as above.
    let _ = syscall!(fcntl(fd, libc::F_SETFD, was.descriptor));
    #[cfg(target_vendor = "apple")]
    {
        // SAFETY: the pointer and length describe the recorded value.
        let _ = syscall!(setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_NOSIGPIPE,
            (&was.no_sigpipe as *const libc::c_int).cast(),
            mem::size_of::<libc::c_int>() as libc::socklen_t
        ));
    }
}

/// Makes the socket `fd` non-blocking and close-on-exec (and on macOS `SO_NOSIGPIPE`), as
/// every socket wakepoll makes itself, and takes it. On an error nothing is taken and the
/// flags are as they were.
///
/// # Safety
/// `fd` is an open socket the caller owns and hands over when this succeeds.
pub(crate) unsafe fn take(fd: RawFd) -> io::Result<OwnedFd> {
    let was = read_flags(fd)?;
    if let Err(err) = set_flags(fd, &was) {
        restore_flags(fd, &was);
        return Err(err);
    }
    // SAFETY: the caller hands over `fd`, open (its flags were just read and set).
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Makes the fds given by socket activation close-on-exec, as `sd_listen_fds` does (before
/// anything else: they must not leak into a child even if they are never adopted).
pub(crate) fn set_cloexec_raw(fd: RawFd) -> io::Result<()> {
    // SAFETY: F_GETFD takes no argument; a closed fd is EBADF.
    let flags = syscall!(fcntl(fd, libc::F_GETFD))?;
    if flags & libc::FD_CLOEXEC == 0 {
        // SAFETY: F_SETFD takes an int of fd flags.
        syscall!(fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC))?;
    }
    Ok(())
}
