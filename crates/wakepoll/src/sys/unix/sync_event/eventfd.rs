//! `sync::Event` on an eventfd (as crosvm's `Event` on Linux).
//!
//! Signalled means "the counter is not zero": `signal` adds one, a successful wait or a
//! `reset` reads it back to zero. A clone is a dup of the fd, so it shares the counter.
//!
//! Invariants:
//! * the fd is non-blocking: waits block in `poll(2)`, never in `read`, so `reset` and a
//!   zero-timeout wait never block, and a wait whose signal another thread consumed first
//!   (a `reset`) just reports "not signalled" to the caller's retry loop;
//! * `wait_once` makes at most one blocking call; its timeout is rounded **up** to whole
//!   milliseconds, and `EINTR` is returned (kind `Interrupted`) for the caller to retry;
//! * registrations go through the selector's owned-fd calls, so no `SourceFd` with a stale
//!   number can disturb them; the public layer deregisters before the fd closes.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

use crate::error;
use crate::sys::unix::eventfd::EventFd;
use crate::sys::unix::{owned_fd_registration, syscall, timeout};

#[derive(Debug)]
pub(crate) struct SyncEvent {
    fd: EventFd,
}

impl SyncEvent {
    pub(crate) fn new() -> io::Result<SyncEvent> {
        Ok(SyncEvent {
            fd: EventFd::new()?,
        })
    }

    /// Adopts `fd`, which [`check`] found to be an eventfd.
    pub(crate) fn from_owned(fd: OwnedFd) -> io::Result<SyncEvent> {
        check(fd.as_raw_fd())?;
        Ok(SyncEvent {
            fd: EventFd::from_owned(fd)?,
        })
    }

    /// Adopts `fd` as it is (`FromRawFd`: the caller vouches for it).
    pub(crate) fn from_owned_unchecked(fd: OwnedFd) -> SyncEvent {
        SyncEvent {
            fd: EventFd::from_owned_unchecked(fd),
        }
    }

    pub(crate) fn into_owned(self) -> OwnedFd {
        self.fd.into_owned()
    }

    pub(crate) fn signal(&self) -> io::Result<()> {
        self.fd.increment()
    }

    /// Consumes the signal if there is one, else waits once for it (at most `timeout`).
    /// `Ok(true)`: it was signalled, and is now clear.
    pub(crate) fn wait_once(&self, timeout: Option<Duration>) -> io::Result<bool> {
        timeout::take_or_wait_once(
            timeout,
            |_| self.fd.drain(),
            |timeout| timeout::wait_readable(self.fd.as_raw_fd(), timeout),
        )
    }

    pub(crate) fn reset(&self) -> io::Result<()> {
        self.fd.drain().map(drop)
    }

    pub(crate) fn try_clone(&self) -> io::Result<SyncEvent> {
        Ok(SyncEvent {
            fd: self.fd.try_clone()?,
        })
    }

    owned_fd_registration!();
}

/// Whether `fd` can be adopted as an Event: an open eventfd. A closed or negative fd is
/// `EBADF`, any other kind of file `EINVAL`; nothing is closed either way.
pub(crate) fn check(fd: RawFd) -> io::Result<()> {
    let not_an_eventfd = || error::with_message("fstat", libc::EINVAL, "not an eventfd");
    if fd < 0 {
        return Err(error::from_errno("fstat", libc::EBADF));
    }
    // SAFETY: an all-zero stat is a valid value for the kernel to overwrite.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes into a live local; a bad fd is reported as EBADF.
    syscall!(fstat(fd, &mut stat))?;
    // An eventfd is an anonymous inode: no file type bits. Pipes, sockets, files have some.
    if stat.st_mode & libc::S_IFMT != 0 {
        return Err(not_an_eventfd());
    }
    // Other anonymous inodes (epoll, timerfd, signalfd) are told apart by their link name;
    // without /proc there is no telling, and the type check above has to do.
    let link = format!("/proc/self/fd/{fd}");
    match std::fs::read_link(link) {
        Ok(target) if target.as_os_str() != "anon_inode:[eventfd]" => Err(not_an_eventfd()),
        _ => Ok(()),
    }
}

impl AsRawFd for SyncEvent {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}
