//! The `sync::Timer` of this Unix platform.

#[cfg(any(target_os = "linux", target_os = "android"))]
mod timerfd;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use self::timerfd::Timer;

#[cfg(any(target_vendor = "apple", target_os = "freebsd"))]
mod kqueue;
#[cfg(any(target_vendor = "apple", target_os = "freebsd"))]
pub(crate) use self::kqueue::Timer;
