//! Reads and writes on any fd (pipes; the read side of stream sockets), and its blocking mode.
//!
//! Invariants:
//! * each function makes exactly one system call and names it in its error; `EAGAIN` comes
//!   back as kind `WouldBlock` for the caller to wait on, `EINTR` as kind `Interrupted` (as
//!   std's `Read`/`Write` expect: `read_exact`/`write_all` retry it);
//! * the buffers are the caller's: nothing is copied on the way to the kernel, and the
//!   vectored calls pass `IoSlice`s as `iovec`s (std guarantees the two are ABI-compatible),
//!   at most `IOV_MAX` of them per call (the rest wait for the next call, as in std).

use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, BorrowedFd};

use crate::sys::unix::syscall;

/// The most `iovec`s one `readv`/`writev`/`sendmsg` takes (`IOV_MAX`: 1024 on Linux, macOS
/// and FreeBSD).
pub(crate) const MAX_IOV: usize = 1024;

/// `read(2)`: `Ok(0)` at end of stream.
pub(crate) fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes for the length of the call.
    let n = syscall!(read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()))?;
    Ok(n as usize)
}

/// `readv(2)`: fills `bufs` in order.
pub(crate) fn read_vectored(fd: BorrowedFd<'_>, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
    let count = bufs.len().min(MAX_IOV) as libc::c_int;
    // SAFETY: `IoSliceMut` is ABI-compatible with `iovec`; each one describes a live, writable
    // buffer borrowed for the length of the call, and `count` does not exceed `bufs.len()`.
    let n = syscall!(readv(fd.as_raw_fd(), bufs.as_mut_ptr().cast(), count))?;
    Ok(n as usize)
}

/// `write(2)`.
pub(crate) fn write(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes for the length of the call.
    let n = syscall!(write(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len()))?;
    Ok(n as usize)
}

/// `writev(2)`: writes `bufs` in order.
pub(crate) fn write_vectored(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    let count = bufs.len().min(MAX_IOV) as libc::c_int;
    // SAFETY: `IoSlice` is ABI-compatible with `iovec`; each one describes a live buffer
    // borrowed for the length of the call, and `count` does not exceed `bufs.len()`.
    let n = syscall!(writev(fd.as_raw_fd(), bufs.as_ptr().cast(), count))?;
    Ok(n as usize)
}

/// Puts the fd in (or out of) non-blocking mode; one `ioctl(FIONBIO)`.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    let value = libc::c_int::from(nonblocking);
    // SAFETY: FIONBIO reads one c_int from the pointer, which points at a live local.
    syscall!(ioctl(fd.as_raw_fd(), libc::FIONBIO, &value)).map(drop)
}

/// Sets close-on-exec (`FD_CLOEXEC`), for fds made by calls that cannot take `O_CLOEXEC` or
/// `SOCK_CLOEXEC` (macOS's `pipe`, `socket`, `socketpair`, `accept`), and for an Event's fd
/// adopted from another process.
pub(crate) fn set_cloexec(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: F_SETFD takes an integer; the fd is borrowed, hence open.
    syscall!(fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC)).map(drop)
}
