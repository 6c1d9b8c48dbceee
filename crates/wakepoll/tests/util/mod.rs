//! Helpers shared by the integration tests.
#![allow(dead_code)]

#[cfg(unix)]
use std::io::Write;
use std::io::{self, Read};
#[cfg(unix)]
use std::os::fd::{AsRawFd, RawFd};
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::time::Duration;

use wakepoll::{Events, Poll, Token};

/// The system call named in registration errors: the selector's control call (kevent on
/// Linux too under `--cfg wakepoll_libkqueue`, the kqueue backend over libkqueue).
#[cfg(all(
    any(target_os = "linux", target_os = "android"),
    not(wakepoll_libkqueue)
))]
pub const SELECTOR_CTL: &str = "epoll_ctl";
#[cfg(all(
    unix,
    any(
        not(any(target_os = "linux", target_os = "android")),
        wakepoll_libkqueue
    )
))]
pub const SELECTOR_CTL: &str = "kevent";
#[cfg(windows)]
pub const SELECTOR_CTL: &str = "IOCTL_AFD_POLL";

/// A connected, non-blocking socket pair.
#[cfg(unix)]
pub fn socket_pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().expect("socketpair");
    a.set_nonblocking(true).expect("nonblocking");
    b.set_nonblocking(true).expect("nonblocking");
    (a, b)
}

#[cfg(unix)]
pub fn fd(s: &UnixStream) -> RawFd {
    s.as_raw_fd()
}

/// Polls once with `timeout` and returns (token, readable, writable) of each event.
pub fn poll_once(
    poll: &mut Poll,
    events: &mut Events,
    timeout: Duration,
) -> Vec<(Token, bool, bool)> {
    poll.poll(events, Some(timeout)).expect("poll");
    events
        .iter()
        .map(|e| (e.token(), e.is_readable(), e.is_writable()))
        .collect()
}

/// Reads until the socket would block; returns the number of bytes read.
#[cfg(unix)]
pub fn drain(s: &mut UnixStream) -> usize {
    let mut buf = [0u8; 4096];
    let mut total = 0;
    loop {
        match s.read(&mut buf) {
            Ok(0) => return total,
            Ok(n) => total += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return total,
            Err(e) => panic!("read: {e}"),
        }
    }
}

#[cfg(unix)]
pub fn send(s: &mut UnixStream, data: &[u8]) {
    s.write_all(data).expect("write");
}

/// The tokens of `events`.
pub fn tokens(events: &Events) -> Vec<Token> {
    events.iter().map(|e| e.token()).collect()
}

/// How long a test waits for an event that must come: long enough to only fail, never hang.
pub const EXPECT: Duration = Duration::from_secs(5);
/// How long a test waits to show that no event comes (after a positive control).
pub const QUIET: Duration = Duration::from_millis(100);

/// The readiness seen for one token, accumulated over one or more events.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The tokens of every other event collected meanwhile.
    pub others: Vec<Token>,
    pub events: usize,
    pub readable: bool,
    pub writable: bool,
    pub error: bool,
    pub read_closed: bool,
    pub write_closed: bool,
}

impl Seen {
    fn add(&mut self, e: &wakepoll::event::Event) {
        self.events += 1;
        self.readable |= e.is_readable();
        self.writable |= e.is_writable();
        self.error |= e.is_error();
        self.read_closed |= e.is_read_closed();
        self.write_closed |= e.is_write_closed();
    }
}

/// Polls until the events for `token` add up to what `done` wants; panics after [`EXPECT`].
/// The tokens of other events are collected in `others`.
pub fn wait_for(
    poll: &mut Poll,
    events: &mut Events,
    token: Token,
    done: impl Fn(&Seen) -> bool,
) -> Seen {
    let deadline = std::time::Instant::now() + EXPECT;
    let mut seen = Seen::default();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        assert!(
            !left.is_zero(),
            "{token:?}: expected readiness never came; saw {seen:?}"
        );
        poll.poll(events, Some(left)).expect("poll");
        for e in events.iter() {
            if e.token() == token {
                seen.add(e);
            } else {
                seen.others.push(e.token());
            }
        }
        if done(&seen) {
            return seen;
        }
    }
}

/// Asserts that a poll of [`QUIET`] returns no event at all.
pub fn expect_no_events(poll: &mut Poll, events: &mut Events) {
    poll.poll(events, Some(QUIET)).expect("poll");
    let got: Vec<_> = events.iter().collect();
    assert!(got.is_empty(), "expected no events, got {got:?}");
}

/// Asserts that `result` is a `WouldBlock` error.
#[track_caller]
pub fn assert_would_block<T: std::fmt::Debug>(result: io::Result<T>) {
    match result {
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        other => panic!("expected WouldBlock, got {other:?}"),
    }
}

/// An fd, or a reference to something that has one (`&listener`, as on Windows).
#[cfg(unix)]
pub trait Fd {
    fn fd(&self) -> RawFd;
}

#[cfg(unix)]
impl Fd for RawFd {
    fn fd(&self) -> RawFd {
        *self
    }
}

#[cfg(unix)]
impl<T: AsRawFd> Fd for &T {
    fn fd(&self) -> RawFd {
        self.as_raw_fd()
    }
}

/// Asserts that the fd is non-blocking (`O_NONBLOCK`) and close-on-exec (`FD_CLOEXEC`).
#[cfg(unix)]
#[track_caller]
pub fn assert_nonblocking_cloexec(source: impl Fd) {
    let fd = source.fd();
    // SAFETY: F_GETFL/F_GETFD only read the flags of an fd the caller holds open.
    let (fl, fdfl) = unsafe {
        (
            libc::fcntl(fd, libc::F_GETFL),
            libc::fcntl(fd, libc::F_GETFD),
        )
    };
    assert!(fl >= 0 && fdfl >= 0, "fcntl failed on fd {fd}");
    assert_ne!(fl & libc::O_NONBLOCK, 0, "fd {fd} is blocking");
    assert_ne!(fdfl & libc::FD_CLOEXEC, 0, "fd {fd} is not close-on-exec");
}

/// The `SysError` code of `err` ("EEXIST"), or a note that it has none.
pub fn code(err: &io::Error) -> &'static str {
    wakepoll::error::sys_error(err).map_or("not a SysError", |s| s.code())
}

/// Reads from `r` until it would block; returns everything read and whether it hit the end
/// of the stream.
pub fn read_until_would_block(mut r: impl Read) -> (Vec<u8>, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return (got, true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return (got, false),
            Err(e) => panic!("read: {e}"),
        }
    }
}

/// Asserts that the socket is not inherited by child processes (the Windows side of
/// close-on-exec). Windows cannot read a socket's non-blocking mode back; every
/// `assert_would_block` in these tests checks it instead.
#[cfg(windows)]
#[track_caller]
pub fn assert_nonblocking_cloexec(source: &impl std::os::windows::io::AsRawSocket) {
    use windows_sys::Win32::Foundation::{GetHandleInformation, HANDLE_FLAG_INHERIT};
    let handle = source.as_raw_socket() as windows_sys::Win32::Foundation::HANDLE;
    let mut flags = 0u32;
    // SAFETY: reads the flags of a handle the caller holds open into a live local.
    let ok = unsafe { GetHandleInformation(handle, &mut flags) };
    assert_ne!(ok, 0, "GetHandleInformation failed on socket {handle:?}");
    assert_eq!(
        flags & HANDLE_FLAG_INHERIT,
        0,
        "socket {handle:?} is inheritable"
    );
}

/// Whether these tests run under wine (which has `wine_get_version` in its ntdll), where a few
/// socket behaviours differ from Windows; the tests that meet them say which. Always false
/// elsewhere.
#[cfg(windows)]
pub fn under_wine() -> bool {
    use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleA, GetProcAddress};
    // SAFETY: both calls take NUL-terminated static strings; ntdll is loaded in every process.
    unsafe {
        let ntdll = GetModuleHandleA(c"ntdll.dll".as_ptr().cast());
        !ntdll.is_null() && GetProcAddress(ntdll, c"wine_get_version".as_ptr().cast()).is_some()
    }
}
#[cfg(not(windows))]
pub fn under_wine() -> bool {
    false
}

/// The errno of a refused connection.
#[cfg(unix)]
pub const ECONNREFUSED: i32 = libc::ECONNREFUSED;
#[cfg(windows)]
pub const ECONNREFUSED: i32 = windows_sys::Win32::Networking::WinSock::WSAECONNREFUSED;

/// The call a stream's `read` makes (Windows has no `read` on a socket).
#[cfg(unix)]
pub const READ_CALL: &str = "read";
#[cfg(windows)]
pub const READ_CALL: &str = "recv";

/// A path in the temp dir for a Unix socket, unique to this process and call; removed first
/// in case a crashed run left it.
#[cfg(unix)]
pub fn temp_socket_path(name: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("wakepoll-{}-{name}-{n}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// A duplicate of `fd` (close-on-exec), owned by the caller.
#[cfg(unix)]
pub fn dup(fd: RawFd) -> std::os::fd::OwnedFd {
    use std::os::fd::FromRawFd;
    // SAFETY: duplicates an fd the caller holds open; the new fd is returned to us alone.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    assert!(new >= 0, "dup failed");
    // SAFETY: `new` was just returned by fcntl and nothing else owns it.
    unsafe { std::os::fd::OwnedFd::from_raw_fd(new) }
}
