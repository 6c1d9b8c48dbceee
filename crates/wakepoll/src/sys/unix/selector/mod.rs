//! The readiness selector of this Unix platform.

#[cfg(any(target_os = "linux", target_os = "android"))]
mod epoll;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use self::epoll::{event, Event, Events, Selector, SELECTOR_CTL};
