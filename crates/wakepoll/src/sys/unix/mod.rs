//! Unix backends: epoll on Linux and Android; sockets and pipes over libc.

mod errno;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod eventfd;
pub(crate) mod io;
pub(crate) mod net;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod owned_fds;
pub(crate) mod pipe;
mod selector;
mod sync_event;
pub(crate) mod tcp;
mod timeout;
pub(crate) mod udp;
pub(crate) mod uds;
mod waker;

pub(crate) use self::errno::{errno_name, EBUSY, EEXIST, ENOENT};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use self::owned_fds::OwnedFds;
pub(crate) use self::selector::{event, Event, Events, Selector, SELECTOR_CTL};
pub(crate) use self::sync_event::SyncEvent;
pub(crate) use self::waker::Waker;

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
}
pub(crate) use syscall;
