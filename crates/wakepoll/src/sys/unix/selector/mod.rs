//! The readiness selector of this Unix platform.

#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
mod epoll;
#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
pub(crate) use self::epoll::{event, Event, Events, Selector, SELECTOR_CTL};

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
pub(crate) use self::kqueue::{event, Event, Events, Selector, SELECTOR_CTL};

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_vendor = "apple",
    target_os = "freebsd"
)))]
compile_error!("wakepoll has selectors for Linux and Android (epoll), macOS and FreeBSD (kqueue)");
