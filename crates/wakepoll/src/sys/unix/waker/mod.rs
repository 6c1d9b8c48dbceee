//! The cross-thread waker of this Unix platform.

#[cfg(any(target_os = "linux", target_os = "android"))]
mod eventfd;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use self::eventfd::Waker;

#[cfg(any(target_vendor = "apple", target_os = "freebsd"))]
mod evfilt_user;
#[cfg(any(target_vendor = "apple", target_os = "freebsd"))]
pub(crate) use self::evfilt_user::Waker;
