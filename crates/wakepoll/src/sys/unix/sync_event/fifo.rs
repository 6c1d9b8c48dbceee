//! `sync::Event` on an unlinked FIFO (macOS, FreeBSD: there is no eventfd; and Linux over
//! libkqueue, `--cfg wakepoll_libkqueue`).
//!
//! One descriptor carries the whole state, so that it can cross processes (crosvm's Event is
//! inter-process): a FIFO made with `mkfifo` (mode 0600, a unique name in `TMPDIR`, retried on
//! `EEXIST`), opened `O_RDWR | O_NONBLOCK | O_CLOEXEC` and unlinked at once. Read-write, the
//! FIFO is its own reader and writer: it never reports end of file or a hang-up, and a write
//! never fails for want of a reader. A clone is a `dup` of the fd; a child process that
//! adopts the fd shares the same open FIFO.
//!
//! Signalled means "the FIFO holds at least one byte":
//! * `signal` writes one byte. A full FIFO (`EAGAIN`: tens of thousands of signals nobody
//!   consumed) is drained and written again, as a saturated eventfd is, so that the write
//!   still makes a new edge for an edge-triggered `Poll`;
//! * a successful wait, and `reset`, drain it: reads until a read comes back short (the FIFO
//!   was empty then) or with `EAGAIN`;
//! * the fd is readable (`poll`'s `POLLIN`, kqueue's `EVFILT_READ`) exactly while bytes are
//!   there, so a `Poll` (`EV_CLEAR`: every write is a new edge) and a level-triggered
//!   `WaitContext` watch it like any fd.
//!
//! Why no signal is lost, without a lock (none could span processes): a signal is one byte,
//! written atomically (less than `PIPE_BUF`). A byte written before a drain's last read is
//! consumed by that drain, which then reports "was signalled" (a wait returns `Signaled`;
//! for `reset` that is the point); a byte written after it stays, and the event is signalled.
//! So every signal is either seen by exactly one wait/reset or still pending — the eventfd's
//! guarantee. Two waiters in two processes race for the bytes (the one-waiter rule is per
//! process), as with crosvm: one signal wakes one of them.
//!
//! Invariants:
//! * the fd is non-blocking: waits block in `poll(2)`, never in `read`, so `reset` and a
//!   zero-timeout wait never block, and a wait whose bytes another waiter or a `reset` took
//!   first reports "not signalled" to the caller's retry loop. `O_NONBLOCK` lives in the open
//!   file, which other processes share: an adopted fd is made non-blocking again;
//! * only an open FIFO opened read-write is adopted ([`check`]): anything else is refused and
//!   left alone;
//! * `wait_once` makes at most one blocking call; its timeout is rounded **up** to whole
//!   milliseconds, and `EINTR` is returned (kind `Interrupted`) for the caller to retry;
//! * registrations go through the selector's owned-fd calls, so no `SourceFd` with a stale
//!   number can disturb them; the public layer deregisters before the fd closes;
//! * creating one leaves no name behind on any path: a FIFO that was made is unlinked whether
//!   its `open` succeeded or not, and an fd is closed on every error after it.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStringExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error;
use crate::sys::unix::{io as sys_io, owned_fd_registration, syscall, timeout};

/// How many names `new` tries before it gives up with `EEXIST`.
const NAME_ATTEMPTS: u32 = 64;

/// What one read of a drain takes at most; a signal is one byte, so one read nearly always
/// empties the FIFO.
const DRAIN_CHUNK: usize = 64;

#[derive(Debug)]
pub(crate) struct SyncEvent {
    fd: OwnedFd,
}

impl SyncEvent {
    pub(crate) fn new() -> io::Result<SyncEvent> {
        Ok(SyncEvent { fd: new_fifo()? })
    }

    /// Adopts `fd` after [`check`] (an open FIFO opened read-write); makes it non-blocking
    /// and close-on-exec, as ours are.
    pub(crate) fn from_owned(fd: OwnedFd) -> io::Result<SyncEvent> {
        check(fd.as_raw_fd())?;
        sys_io::set_nonblocking(fd.as_fd(), true)?;
        sys_io::set_cloexec(fd.as_fd())?;
        Ok(SyncEvent { fd })
    }

    /// Adopts `fd` as it is (`FromRawFd`: the caller vouches for it).
    pub(crate) fn from_owned_unchecked(fd: OwnedFd) -> SyncEvent {
        SyncEvent { fd }
    }

    pub(crate) fn into_owned(self) -> OwnedFd {
        self.fd
    }

    pub(crate) fn signal(&self) -> io::Result<()> {
        loop {
            // SAFETY: writes 1 byte from a live local to a FIFO we own.
            let n = unsafe { libc::write(self.fd.as_raw_fd(), [1u8].as_ptr().cast(), 1) };
            if n == 1 {
                return Ok(());
            }
            let err = error::last("write");
            match error::errno(&err) {
                // Full: it is signalled already, but a drain and a new byte make a new edge.
                Some(libc::EAGAIN) => {
                    self.drain()?;
                }
                Some(libc::EINTR) => continue,
                _ => return Err(err),
            }
        }
    }

    /// Consumes the signal if there is one, else waits once for it (at most `timeout`).
    /// `Ok(true)`: it was signalled, and is now clear.
    pub(crate) fn wait_once(&self, timeout: Option<Duration>) -> io::Result<bool> {
        timeout::take_or_wait_once(
            timeout,
            |_| self.drain(),
            |timeout| timeout::wait_readable(self.fd.as_raw_fd(), timeout),
        )
    }

    pub(crate) fn reset(&self) -> io::Result<()> {
        self.drain().map(drop)
    }

    pub(crate) fn try_clone(&self) -> io::Result<SyncEvent> {
        // SAFETY: duplicates an fd we own; the new fd is returned to us alone.
        let fd = syscall!(fcntl(self.fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 0))?;
        Ok(SyncEvent {
            // SAFETY: `fd` was just returned by fcntl and nothing else owns it.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    owned_fd_registration!();

    /// Empties the FIFO without blocking; `true` if it held anything.
    fn drain(&self) -> io::Result<bool> {
        let mut buf = [0u8; DRAIN_CHUNK];
        let mut any = false;
        loop {
            // SAFETY: reads at most `buf.len()` bytes into a live buffer from a FIFO we own.
            let n = unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n > 0 {
                any = true;
                // A short read took all there was.
                if (n as usize) < buf.len() {
                    return Ok(true);
                }
                continue;
            }
            if n == 0 {
                // End of file: cannot happen while we hold a write side; nothing to read.
                return Ok(any);
            }
            let err = error::last("read");
            match error::errno(&err) {
                // Empty (or another drain took the bytes first).
                Some(libc::EAGAIN) => return Ok(any),
                Some(libc::EINTR) => continue,
                _ => return Err(err),
            }
        }
    }
}

/// Whether `fd` can be adopted as an Event: an open FIFO opened read-write. A closed or
/// negative fd is `EBADF`, anything else (a file, a socket, a pipe end, a FIFO opened for one
/// direction) `EINVAL`; nothing is closed either way. A FIFO opened read-write that is not a
/// wakepoll Event cannot be told apart, and is taken: its bytes count as signals.
pub(crate) fn check(fd: RawFd) -> io::Result<()> {
    checked_stat(fd).map(drop)
}

/// [`check`], and the fd's `stat`.
fn checked_stat(fd: RawFd) -> io::Result<libc::stat> {
    if fd < 0 {
        return Err(error::from_errno("fstat", libc::EBADF));
    }
    // SAFETY: an all-zero stat is a valid value for the kernel to overwrite.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes into a live local; a bad fd is reported as EBADF.
    syscall!(fstat(fd, &mut stat))?;
    if stat.st_mode & libc::S_IFMT != libc::S_IFIFO {
        return Err(error::with_message("fstat", libc::EINVAL, "not a FIFO"));
    }
    // SAFETY: reads the status flags of an open fd; changes nothing.
    let flags = syscall!(fcntl(fd, libc::F_GETFL))?;
    if flags & libc::O_ACCMODE != libc::O_RDWR {
        return Err(error::with_message(
            "fcntl",
            libc::EINVAL,
            "not a FIFO opened read-write",
        ));
    }
    Ok(stat)
}

/// A new FIFO, open read-write, its name already gone.
fn new_fifo() -> io::Result<OwnedFd> {
    let dir = std::env::temp_dir();
    for _ in 0..NAME_ATTEMPTS {
        let path = unique_path(&dir)?;
        // SAFETY: `path` is a NUL-terminated string that outlives the call.
        match syscall!(mkfifo(path.as_ptr(), libc::S_IRUSR | libc::S_IWUSR)) {
            Ok(_) => {}
            // A name of another process (or one a crash left behind): take the next.
            Err(err) if error::errno(&err) == Some(libc::EEXIST) => continue,
            Err(err) => return Err(err),
        }
        // O_NOFOLLOW: never through a link someone put at the name.
        let flags = libc::O_RDWR | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOFOLLOW;
        // SAFETY: as for mkfifo; no O_CREAT, so no mode argument.
        let opened = syscall!(open(path.as_ptr(), flags));
        // The name goes at once, whether the open worked or not.
        // SAFETY: as for mkfifo.
        let unlinked = syscall!(unlink(path.as_ptr()));
        // SAFETY: open returned a new fd that nothing else owns (or we return its error).
        let fd = unsafe { OwnedFd::from_raw_fd(opened?) };
        // An error from here on closes `fd` as it returns.
        unlinked?;
        owned_fifo(&fd)?;
        return Ok(fd);
    }
    Err(error::with_message(
        "mkfifo",
        libc::EEXIST,
        "no free name for the event's FIFO",
    ))
}

/// What was opened is the FIFO this process made: a FIFO opened read-write, owned by this
/// user (in a temporary directory without the sticky bit, another user could have swapped
/// the name between `mkfifo` and `open`).
fn owned_fifo(fd: &OwnedFd) -> io::Result<()> {
    let stat = checked_stat(fd.as_raw_fd())?;
    // SAFETY: geteuid cannot fail.
    if stat.st_uid != unsafe { libc::geteuid() } {
        return Err(error::with_message(
            "open",
            libc::EPERM,
            "the event's FIFO was replaced by another user's",
        ));
    }
    Ok(())
}

/// `dir/wakepoll-event-<pid>-<count>-<clock>`: unique in this process by the count, across
/// processes by the pid, and unlikely to meet a stale name of a dead process by the clock.
fn unique_path(dir: &std::path::Path) -> io::Result<CString> {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let count = COUNT.fetch_add(1, Ordering::Relaxed);
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!("wakepoll-event-{}-{count}-{clock:x}", std::process::id());
    CString::new(dir.join(name).into_os_string().into_vec())
        .map_err(|_| error::with_message("mkfifo", libc::EINVAL, "TMPDIR holds a NUL byte"))
}

impl AsRawFd for SyncEvent {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsRawFd;
    use std::time::Duration;

    use super::SyncEvent;

    #[test]
    fn many_signals_are_one_and_a_full_fifo_stays_signalled() {
        let a = SyncEvent::new().unwrap();
        // More than any platform's FIFO holds (16 KiB to 64 KiB): the writes that find it
        // full drain it and write again.
        for _ in 0..70_000 {
            a.signal().unwrap();
        }
        assert!(a.wait_once(Some(Duration::ZERO)).unwrap());
        assert!(
            !a.wait_once(Some(Duration::ZERO)).unwrap(),
            "one wait took them all"
        );
    }

    #[test]
    fn the_fifo_has_no_name_and_is_open_read_write() {
        let a = SyncEvent::new().unwrap();
        // SAFETY: an all-zero stat is a valid value for the kernel to overwrite.
        let mut stat: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: fstat writes into a live local.
        assert_eq!(unsafe { libc::fstat(a.as_raw_fd(), &mut stat) }, 0);
        assert_eq!(stat.st_mode & libc::S_IFMT, libc::S_IFIFO);
        assert_eq!(stat.st_nlink, 0, "unlinked at once");
        super::check(a.as_raw_fd()).unwrap();
    }
}
