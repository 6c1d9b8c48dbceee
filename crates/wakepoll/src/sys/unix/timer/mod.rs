//! The `sync::Timer` of this Unix platform.

#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
mod timerfd;
#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
pub(crate) use self::timerfd::Timer;

#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    all(target_os = "linux", wakepoll_libkqueue)
))]
mod kqueue;
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    all(target_os = "linux", wakepoll_libkqueue)
))]
pub(crate) use self::kqueue::Timer;
