//! The cross-thread waker of this Unix platform.

#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
mod eventfd;
#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
pub(crate) use self::eventfd::Waker;

#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    all(target_os = "linux", wakepoll_libkqueue)
))]
mod evfilt_user;
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    all(target_os = "linux", wakepoll_libkqueue)
))]
pub(crate) use self::evfilt_user::Waker;
