//! `EventFd`: the non-blocking eventfd counter that the Waker and the sync `Event` stand on.
//!
//! Invariants:
//! * the fd is non-blocking and close-on-exec, and so is every `try_clone` (a dup shares the
//!   counter and the file status flags);
//! * `increment` never reports a saturated counter (`EAGAIN`): it drains and writes again, so
//!   the counter ends non-zero either way;
//! * `EINTR` never leaves this file (a non-blocking read or write is retried at once).

use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};

use crate::error;
use crate::sys::unix::{io as sys_io, syscall};

#[derive(Debug)]
pub(crate) struct EventFd {
    fd: OwnedFd,
}

impl EventFd {
    pub(crate) fn new() -> io::Result<EventFd> {
        // SAFETY: eventfd takes an initial value and flags.
        let fd = syscall!(eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK))?;
        Ok(EventFd {
            // SAFETY: `fd` was just returned by eventfd and nothing else owns it.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// Adds one to the counter: the fd becomes (or stays) readable.
    #[inline]
    pub(crate) fn increment(&self) -> io::Result<()> {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64 to an eventfd we own.
        let n = unsafe { libc::write(self.fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
        if n == 8 {
            return Ok(());
        }
        self.increment_again()
    }

    /// `increment` after a first write failed: a full counter is drained and written again,
    /// an interruption retried.
    #[cold]
    #[inline(never)]
    fn increment_again(&self) -> io::Result<()> {
        let one: u64 = 1;
        loop {
            // SAFETY: writes 8 bytes from a live u64 to an eventfd we own.
            let n = unsafe { libc::write(self.fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
            if n == 8 {
                return Ok(());
            }
            let err = error::last("write");
            match error::errno(&err) {
                // Full: drain it so that the next write succeeds.
                Some(libc::EAGAIN) => {
                    self.drain()?;
                }
                Some(libc::EINTR) => continue,
                _ => return Err(err),
            }
        }
    }

    /// Resets the counter to zero without blocking; `true` if it was not zero.
    pub(crate) fn drain(&self) -> io::Result<bool> {
        let mut buf: u64 = 0;
        loop {
            // SAFETY: reads 8 bytes into a live u64 from an eventfd we own.
            let n = unsafe { libc::read(self.fd.as_raw_fd(), (&mut buf as *mut u64).cast(), 8) };
            if n == 8 {
                return Ok(true);
            }
            let err = error::last("read");
            match error::errno(&err) {
                // Zero already (or another thread drained it first).
                Some(libc::EAGAIN) => return Ok(false),
                Some(libc::EINTR) => continue,
                _ => return Err(err),
            }
        }
    }

    /// Adopts an eventfd made elsewhere (another process's, passed down); makes it
    /// non-blocking and close-on-exec, as ours are.
    pub(crate) fn from_owned(fd: OwnedFd) -> io::Result<EventFd> {
        sys_io::set_nonblocking(fd.as_fd(), true)?;
        sys_io::set_cloexec(fd.as_fd())?;
        Ok(EventFd { fd })
    }

    /// Adopts `fd` as it is (`FromRawFd`: the caller vouches for it).
    pub(crate) fn from_owned_unchecked(fd: OwnedFd) -> EventFd {
        EventFd { fd }
    }

    /// Gives the fd up.
    pub(crate) fn into_owned(self) -> OwnedFd {
        self.fd
    }

    /// Another fd for the same counter.
    pub(crate) fn try_clone(&self) -> io::Result<EventFd> {
        // SAFETY: duplicates an fd we own; the new fd is returned to us alone.
        let fd = syscall!(fcntl(self.fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 0))?;
        Ok(EventFd {
            // SAFETY: `fd` was just returned by fcntl and nothing else owns it.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }
}

impl AsRawFd for EventFd {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::EventFd;

    #[test]
    fn drain_reports_and_clears_and_clones_share_the_counter() {
        let a = EventFd::new().unwrap();
        let b = a.try_clone().unwrap();
        assert!(!a.drain().unwrap());
        b.increment().unwrap();
        b.increment().unwrap();
        assert!(a.drain().unwrap());
        assert!(!b.drain().unwrap());
    }

    #[test]
    fn a_saturated_counter_is_reset_inside_increment() {
        use std::os::fd::AsRawFd;
        let e = EventFd::new().unwrap();
        let max: u64 = u64::MAX - 1;
        // SAFETY: writes 8 bytes from a live u64 to the eventfd.
        let n = unsafe { libc::write(e.as_raw_fd(), (&max as *const u64).cast(), 8) };
        assert_eq!(n, 8);
        e.increment().expect("a full counter must not surface");
        assert!(e.drain().unwrap());
    }
}
