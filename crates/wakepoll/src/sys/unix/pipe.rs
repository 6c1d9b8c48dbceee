//! Anonymous pipes.
//!
//! Invariants:
//! * both ends are non-blocking and close-on-exec, and owned (`OwnedFd`) as soon as the kernel
//!   returns them. Where `pipe2` exists (Linux, Android, FreeBSD) that holds from the start
//!   (`O_NONBLOCK | O_CLOEXEC`); macOS has only `pipe`, so the flags are set right after it,
//!   as std and mio do there (a `fork` + `exec` in another thread in that instant can inherit
//!   the ends).

use std::io;
use std::os::fd::{FromRawFd, OwnedFd};

use crate::sys::unix::syscall;

/// A new pipe: `(write end, read end)`, the order of `unix::pipe::new`.
pub(crate) fn new() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds: [libc::c_int; 2] = [-1, -1];
    // SAFETY: `fds` has room for the two fds pipe2 writes.
    #[cfg(not(target_vendor = "apple"))]
    syscall!(pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC))?;
    // SAFETY: `fds` has room for the two fds pipe writes.
    #[cfg(target_vendor = "apple")]
    syscall!(pipe(fds.as_mut_ptr()))?;
    // SAFETY: the kernel returned two new fds that nothing else owns: [read end, write end].
    let (write, read) = unsafe { (OwnedFd::from_raw_fd(fds[1]), OwnedFd::from_raw_fd(fds[0])) };
    #[cfg(target_vendor = "apple")]
    {
        use std::os::fd::AsFd;

        use crate::sys::unix::io;
        for end in [&write, &read] {
            io::set_cloexec(end.as_fd())?;
            io::set_nonblocking(end.as_fd(), true)?;
        }
    }
    Ok((write, read))
}
