//! The `sync::Event` of this Unix platform.

#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
mod eventfd;
#[cfg(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
))]
pub(crate) use self::eventfd::{check, SyncEvent};

#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    all(target_os = "linux", wakepoll_libkqueue)
))]
mod pipe;
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    all(target_os = "linux", wakepoll_libkqueue)
))]
pub(crate) use self::pipe::{check, SyncEvent};
