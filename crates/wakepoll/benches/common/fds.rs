//! Raw eventfds for the "K ready of M registered" rows, made with libc so that wakepoll and mio
//! watch the very same fds (each through its own `SourceFd`).

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// The largest K of row 2.
pub const MAX_READY: usize = 1024;
/// The M that row 2 calls "1k".
pub const M_SMALL: usize = 1024;
/// The M that row 2 calls "100k", when the fd limit allows it.
pub const M_LARGE_WANTED: usize = 100_000;

/// Raises the soft `RLIMIT_NOFILE` to the hard one; returns `(soft, hard)` afterwards.
/// Raising the hard limit needs `CAP_SYS_RESOURCE`, which a benchmark does not ask for.
pub fn raise_nofile_limit() -> (u64, u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit read and write a live rlimit.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        if lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        }
    }
    (lim.rlim_cur, lim.rlim_max)
}

/// The M for "100k": 100 000, or as many as the fd limit leaves room for (a multiple of 1024,
/// keeping 512 fds for everything else the bench opens).
pub fn large_m(soft_limit: u64) -> usize {
    let room = (soft_limit.saturating_sub(512) as usize) / 1024 * 1024;
    room.min(M_LARGE_WANTED)
}

/// A non-blocking, close-on-exec eventfd.
pub fn eventfd() -> OwnedFd {
    // SAFETY: eventfd takes an initial value and flags.
    let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
    assert!(fd >= 0, "eventfd: {}", std::io::Error::last_os_error());
    // SAFETY: `fd` was just returned by eventfd and nothing else owns it.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

pub fn eventfds(n: usize) -> Vec<OwnedFd> {
    (0..n).map(|_| eventfd()).collect()
}

pub fn raw(fds: &[OwnedFd]) -> Vec<RawFd> {
    fds.iter().map(AsRawFd::as_raw_fd).collect()
}

/// Makes an eventfd readable (and re-queues it in every epoll that watches it, edge-triggered).
pub fn eventfd_signal(fd: RawFd) {
    let one: u64 = 1;
    // SAFETY: writes 8 bytes from a live u64 to an eventfd.
    let n = unsafe { libc::write(fd, (&one as *const u64).cast(), 8) };
    assert_eq!(n, 8, "eventfd write: {}", std::io::Error::last_os_error());
}

/// `k` fds of `fds`, evenly spread (stride `len / k`), so that the ready ones are not simply
/// the first registered.
pub fn spread(fds: &[RawFd], k: usize) -> Vec<RawFd> {
    assert!(k <= fds.len());
    let stride = fds.len() / k;
    (0..k).map(|i| fds[i * stride]).collect()
}
