//! Unix backends: epoll on Linux and Android, kqueue on macOS and FreeBSD; sockets and pipes
//! over libc.
//!
//! `--cfg wakepoll_libkqueue` (a test build, see docs/platforms-kqueue.md) puts the kqueue
//! backend on Linux too, over libkqueue, a userspace kqueue linked statically; everything
//! else stays Linux's.

pub(crate) mod adopt;
pub(crate) mod duplicate;
mod errno;
#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
mod eventfd;
pub(crate) mod io;
/// kqueue's struct, constants and calls: libc's, or libkqueue's under `wakepoll_libkqueue`.
#[cfg(any(target_vendor = "apple", target_os = "freebsd"))]
use libc as kq;
#[cfg(all(target_os = "linux", wakepoll_libkqueue))]
#[path = "libkqueue.rs"]
mod kq;
pub(crate) mod listen_fds;
pub(crate) mod net;
#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
mod owned_fds;
pub(crate) mod pipe;
pub(crate) mod scm_rights;
mod selector;
mod sync_event;
pub(crate) mod tcp;
mod timeout;
mod timer;
pub(crate) mod udp;
pub(crate) mod uds;
mod waker;

pub(crate) use self::errno::{errno_name, uv_errno, EBUSY, EEXIST, ENOENT, ENOTSUP};
#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
pub(crate) use self::owned_fds::OwnedFds;
pub(crate) use self::scm_rights::MAX_FDS as MAX_FDS_PER_MESSAGE;
pub(crate) use self::selector::{event, Event, Events, Selector, SELECTOR_CTL};
use self::sync_event::check as check_sync_event;
pub(crate) use self::sync_event::SyncEvent;
pub(crate) use self::timer::Timer;
pub(crate) use self::waker::Waker;

/// The OS handle of a source: a file descriptor.
pub(crate) type RawSource = std::os::fd::RawFd;
/// An owned source handle, closed on drop.
pub(crate) type OwnedSource = std::os::fd::OwnedFd;
/// A borrowed source handle, what the socket functions take.
pub(crate) type BorrowedSource<'a> = std::os::fd::BorrowedFd<'a>;

/// epoll reports edges itself: nothing needs re-arming after `WouldBlock`, and the public
/// layer's `do_io` compiles down to the operation alone.
pub(crate) const REARMS_AFTER_WOULD_BLOCK: bool = false;

pub(crate) fn borrow_source(source: &OwnedSource) -> BorrowedSource<'_> {
    std::os::fd::AsFd::as_fd(source)
}

pub(crate) fn raw_source(source: &OwnedSource) -> RawSource {
    std::os::fd::AsRawFd::as_raw_fd(source)
}

/// Gives up ownership of `source` without closing it.
pub(crate) fn into_raw_source(source: OwnedSource) -> RawSource {
    std::os::fd::IntoRawFd::into_raw_fd(source)
}

/// The selector as a source another readiness loop can watch: an epoll or kqueue fd is
/// readable while it holds events.
pub(crate) fn pollable_selector(selector: &Selector) -> Option<RawSource> {
    Some(std::os::fd::AsRawFd::as_raw_fd(selector))
}

/// Blocks until the selector has events to collect (`true`) or `timeout` passes (`false`),
/// without collecting them: `poll(2)` on its fd, as another readiness loop would watch it.
pub(crate) fn wait_ready(
    selector: &Selector,
    timeout: Option<std::time::Duration>,
) -> std::io::Result<bool> {
    timeout::wait_readable(std::os::fd::AsRawFd::as_raw_fd(selector), timeout)
}

/// A `Timer`'s fd, readable while it has fired and its expirations were not consumed.
#[cfg(not(wakepoll_libkqueue))]
pub(crate) fn pollable_timer(timer: &Timer) -> Option<RawSource> {
    Some(std::os::fd::AsRawFd::as_raw_fd(timer))
}

/// None over libkqueue: the Timer's fd is its own kqueue's, which libkqueue never makes
/// readable (docs/platforms-kqueue.md, gap 1); a wait there blocks in `kevent` instead.
#[cfg(wakepoll_libkqueue)]
pub(crate) fn pollable_timer(_: &Timer) -> Option<RawSource> {
    None
}

/// A `Timer`'s fd for another process: its timerfd, which carries the whole timer.
#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
pub(crate) fn timer_descriptor(timer: &Timer) -> Option<RawSource> {
    Some(std::os::fd::AsRawFd::as_raw_fd(timer))
}

/// None where a Timer is a kqueue's (its fd is that kqueue's, which does not cross processes).
#[cfg(not(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
)))]
pub(crate) fn timer_descriptor(_: &Timer) -> Option<RawSource> {
    None
}

/// A `SyncEvent`'s fd, readable while it is signalled.
pub(crate) fn pollable_sync_event(event: &SyncEvent) -> Option<RawSource> {
    Some(std::os::fd::AsRawFd::as_raw_fd(event))
}

/// The `io::ErrorKind` of `errno`: std's mapping.
pub(crate) fn error_kind(errno: i32) -> std::io::ErrorKind {
    std::io::Error::from_raw_os_error(errno).kind()
}

/// Runs a libc call that reports failure as `-1` + `errno`, naming the call in the error.
macro_rules! syscall {
    ($fn: ident ( $($arg: expr),* $(,)* ) ) => {{
        #[allow(unused_unsafe)]
        // SAFETY: each call site documents why its arguments are valid for `$fn`.
        let res = unsafe { libc::$fn($($arg, )*) };
        if res == -1 {
            Err($crate::error::last(stringify!($fn)))
        } else {
            Ok(res)
        }
    }};
    // The same for a call of another module (`kq::kevent`: libc's or libkqueue's).
    ($module: ident :: $fn: ident ( $($arg: expr),* $(,)* ) ) => {{
        #[allow(unused_unsafe)]
        // SAFETY: each call site documents why its arguments are valid for `$fn`.
        let res = unsafe { $module::$fn($($arg, )*) };
        if res == -1 {
            Err($crate::error::last(stringify!($fn)))
        } else {
            Ok(res)
        }
    }};
}
pub(crate) use syscall;

/// The `register`, `reregister` and `deregister` of a sync object (an Event, a Timer) whose
/// `AsRawFd` is the fd a selector watches, through the selector's owned-fd calls (which no
/// `SourceFd` with a stale number can reach). Expands inside the type's `impl` block.
macro_rules! owned_fd_registration {
    () => {
        pub(crate) fn register(
            &self,
            selector: &$crate::sys::Selector,
            token: $crate::Token,
            interests: $crate::Interest,
            trigger: $crate::sys::Trigger,
        ) -> ::std::io::Result<()> {
            let fd = ::std::os::fd::AsRawFd::as_raw_fd(self);
            selector.register_owned(fd, token, interests, trigger)
        }

        pub(crate) fn reregister(
            &self,
            selector: &$crate::sys::Selector,
            token: $crate::Token,
            interests: $crate::Interest,
            trigger: $crate::sys::Trigger,
        ) -> ::std::io::Result<()> {
            let fd = ::std::os::fd::AsRawFd::as_raw_fd(self);
            selector.reregister_owned(fd, token, interests, trigger)
        }

        pub(crate) fn deregister(&self, selector: &$crate::sys::Selector) -> ::std::io::Result<()> {
            selector.deregister_owned(::std::os::fd::AsRawFd::as_raw_fd(self))
        }
    };
}
pub(crate) use owned_fd_registration;

/// The number that names an Event's descriptor to another process: its fd.
pub(crate) fn sync_event_descriptor(event: &SyncEvent) -> i64 {
    i64::from(std::os::fd::AsRawFd::as_raw_fd(event))
}

/// The Event's descriptor for a child process: an fd crosses in the child's fd list (which
/// clears close-on-exec there only), so nothing is changed here.
pub(crate) fn sync_event_inheritable_descriptor(event: &SyncEvent) -> std::io::Result<i64> {
    Ok(sync_event_descriptor(event))
}

/// Adopts the Event descriptor `raw` after checking it (nothing is closed when the check
/// fails: `EBADF` for a closed or negative fd, `EINVAL` for one that is not an Event's).
///
/// # Safety
/// When the check passes, `raw` becomes the Event's: the caller must own it and not use it
/// afterwards.
pub(crate) unsafe fn adopt_sync_event(raw: i64) -> std::io::Result<SyncEvent> {
    let fd = std::os::fd::RawFd::try_from(raw)
        .map_err(|_| crate::error::from_errno("fstat", libc::EBADF))?;
    check_sync_event(fd)?;
    // SAFETY: the caller hands over `fd`, which is open (checked just now).
    SyncEvent::from_owned(unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) })
}
