//! Anonymous pipes.
//!
//! Invariants:
//! * both ends are non-blocking and close-on-exec from the start (`pipe2` with `O_NONBLOCK |
//!   O_CLOEXEC`), and owned (`OwnedFd`) as soon as the kernel returns them.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd};

use crate::sys::unix::syscall;

/// A new pipe: `(write end, read end)`, the order of `unix::pipe::new`.
pub(crate) fn new() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds: [libc::c_int; 2] = [-1, -1];
    // SAFETY: `fds` has room for the two fds pipe2 writes.
    syscall!(pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC))?;
    // SAFETY: pipe2 returned two new fds that nothing else owns: [read end, write end].
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[1]), OwnedFd::from_raw_fd(fds[0])) })
}
