//! `sync::Event` on a pipe (macOS, FreeBSD: there is no eventfd), with a shared "signalled"
//! flag so that the pipe never holds more than its one byte.
//!
//! Signalled means "the pipe holds one byte". An Event and all its clones share one pipe and
//! one [`Shared`] state: a mutex around the flag, held across the non-blocking read or write
//! that goes with each change of it, so the byte is in the pipe exactly while the flag is set:
//! * `signal` when not signalled writes the byte. When already signalled it writes a second
//!   byte and reads one back: a `Poll` watching the Event edge-triggered sees a new edge, as
//!   every eventfd write gives one on Linux, and the pipe again holds one byte;
//! * a successful wait, and `reset`, read the byte back.
//!
//! Why a mutex and not only an atomic flag: between a signaller setting the flag and its
//! write, a `reset` could clear the flag and find no byte to read; the late byte would then
//! leave the fd readable (a `WaitContext` reporting the Event) while it is not signalled. The
//! lock is held across one or two non-blocking system calls, never across a wait.
//!
//! Invariants:
//! * each clone has its own dup of the read end: kqueue keys registrations by fd number, so
//!   two clones can be registered with one `Poll`, and `AsRawFd` gives an fd that is readable
//!   while the Event is signalled; the write end is shared;
//! * both ends are non-blocking: waits block in `poll(2)`, never in `read`, so `reset` and a
//!   zero-timeout wait never block, and a wait whose signal another thread consumed first
//!   (a `reset`) just reports "not signalled" to the caller's retry loop;
//! * `wait_once` makes at most one blocking call; its timeout is rounded **up** to whole
//!   milliseconds, and `EINTR` is returned (kind `Interrupted`) for the caller to retry;
//! * registrations go through the selector's owned-fd calls, so no `SourceFd` with a stale
//!   number can disturb them; the public layer deregisters before the fd closes.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error;
use crate::sys::unix::{pipe, syscall, timeout};
use crate::sys::{Selector, Trigger};
use crate::{Interest, Token};

#[derive(Debug)]
pub(crate) struct SyncEvent {
    /// This clone's own dup of the pipe's read end.
    read: OwnedFd,
    shared: Arc<Shared>,
}

/// What an Event and its clones share.
#[derive(Debug)]
struct Shared {
    write: OwnedFd,
    /// Whether the event is signalled, that is whether the pipe holds its byte.
    signalled: Mutex<bool>,
}

impl SyncEvent {
    pub(crate) fn new() -> io::Result<SyncEvent> {
        let (write, read) = pipe::new()?;
        Ok(SyncEvent {
            read,
            shared: Arc::new(Shared {
                write,
                signalled: Mutex::new(false),
            }),
        })
    }

    /// An Event here is two pipe ends and a flag shared in this process: one fd cannot carry
    /// it to another process. `EBADF` for a bad fd, `ENOTSUP` otherwise (nothing is closed
    /// but `fd` itself).
    pub(crate) fn from_owned(fd: OwnedFd) -> io::Result<SyncEvent> {
        check(fd.as_raw_fd())?;
        Err(cannot_cross())
    }

    pub(crate) fn signal(&self) -> io::Result<()> {
        let mut signalled = self.lock();
        write_byte(&self.shared.write)?;
        if *signalled {
            // The write only had to make a new edge: keep one byte.
            read_byte(&self.read)?;
        }
        *signalled = true;
        Ok(())
    }

    /// Consumes the signal if there is one, else waits once for it (at most `timeout`).
    /// `Ok(true)`: it was signalled, and is now clear.
    pub(crate) fn wait_once(&self, timeout: Option<Duration>) -> io::Result<bool> {
        if self.drain()? {
            return Ok(true);
        }
        if timeout == Some(Duration::ZERO) {
            return Ok(false);
        }
        let mut pfd = libc::pollfd {
            fd: self.read.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd, and we pass a count of one.
        let ready = syscall!(poll(&mut pfd, 1, timeout::to_ms(timeout)))?;
        if ready == 0 {
            return Ok(false);
        }
        self.drain()
    }

    pub(crate) fn reset(&self) -> io::Result<()> {
        self.drain().map(drop)
    }

    pub(crate) fn try_clone(&self) -> io::Result<SyncEvent> {
        // SAFETY: duplicates an fd we own; the new fd is returned to us alone.
        let read = syscall!(fcntl(self.read.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 0))?;
        Ok(SyncEvent {
            // SAFETY: `read` was just returned by fcntl and nothing else owns it.
            read: unsafe { OwnedFd::from_raw_fd(read) },
            shared: Arc::clone(&self.shared),
        })
    }

    pub(crate) fn register(
        &self,
        selector: &Selector,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        selector.register_owned(self.read.as_raw_fd(), token, interests, trigger)
    }

    pub(crate) fn reregister(
        &self,
        selector: &Selector,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        selector.reregister_owned(self.read.as_raw_fd(), token, interests, trigger)
    }

    pub(crate) fn deregister(&self, selector: &Selector) -> io::Result<()> {
        selector.deregister_owned(self.read.as_raw_fd())
    }

    /// Clears the signal without blocking; `true` if it was set.
    fn drain(&self) -> io::Result<bool> {
        let mut signalled = self.lock();
        if !*signalled {
            return Ok(false);
        }
        read_byte(&self.read)?;
        *signalled = false;
        Ok(true)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, bool> {
        // Held only across system calls; a poisoned lock still holds a valid flag.
        self.shared
            .signalled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

/// See [`SyncEvent::from_owned`]: `EBADF` for a closed or negative fd, else `ENOTSUP`.
pub(crate) fn check(fd: RawFd) -> io::Result<()> {
    if fd < 0 {
        return Err(error::from_errno("fstat", libc::EBADF));
    }
    // SAFETY: an all-zero stat is a valid value for the kernel to overwrite.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes into a live local; a bad fd is reported as EBADF.
    syscall!(fstat(fd, &mut stat))?;
    Err(cannot_cross())
}

fn cannot_cross() -> io::Error {
    error::unsupported(
        "fromFd",
        "an Event crosses processes on Linux and Windows; on macOS and FreeBSD it is a pipe pair",
    )
}

impl AsRawFd for SyncEvent {
    fn as_raw_fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }
}

/// Writes one byte; the pipe never holds more than two, so it never is full.
fn write_byte(fd: &OwnedFd) -> io::Result<()> {
    loop {
        // SAFETY: writes 1 byte from a live local to a pipe end we own.
        let n = unsafe { libc::write(fd.as_raw_fd(), [1u8].as_ptr().cast(), 1) };
        if n == 1 {
            return Ok(());
        }
        let err = error::last("write");
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Reads one byte back; the flag says it is there (under the lock).
fn read_byte(fd: &OwnedFd) -> io::Result<()> {
    let mut byte = 0u8;
    loop {
        // SAFETY: reads 1 byte into a live local from a pipe end we own.
        let n = unsafe { libc::read(fd.as_raw_fd(), (&mut byte as *mut u8).cast(), 1) };
        if n == 1 {
            return Ok(());
        }
        let err = error::last("read");
        match err.kind() {
            io::ErrorKind::Interrupted => continue,
            // Cannot happen while the flag and the pipe agree; if they ever do not, an empty
            // pipe is what "not signalled" needs anyway.
            io::ErrorKind::WouldBlock => return Ok(()),
            _ => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::SyncEvent;

    #[test]
    fn wait_once_consumes_the_signal_and_clones_share_it() {
        let a = SyncEvent::new().unwrap();
        let b = a.try_clone().unwrap();
        assert!(!a.wait_once(Some(Duration::ZERO)).unwrap());
        b.signal().unwrap();
        assert!(a.wait_once(Some(Duration::from_millis(1))).unwrap());
        assert!(!b.wait_once(Some(Duration::ZERO)).unwrap());
        a.signal().unwrap();
        b.reset().unwrap();
        assert!(!a.wait_once(Some(Duration::from_millis(1))).unwrap());
    }

    #[test]
    fn the_pipe_holds_one_byte_however_many_signals() {
        let a = SyncEvent::new().unwrap();
        for _ in 0..1000 {
            a.signal().unwrap();
        }
        let mut buf = [0u8; 8];
        // SAFETY: reads at most 8 bytes into a live buffer from a pipe end we own.
        let n = unsafe { libc::read(super::AsRawFd::as_raw_fd(&a), buf.as_mut_ptr().cast(), 8) };
        assert_eq!(n, 1);
    }
}
