//! The `sync::Event` of this Unix platform.

#[cfg(any(target_os = "linux", target_os = "android"))]
mod eventfd;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use self::eventfd::{check, SyncEvent};

#[cfg(any(target_vendor = "apple", target_os = "freebsd"))]
mod pipe;
#[cfg(any(target_vendor = "apple", target_os = "freebsd"))]
pub(crate) use self::pipe::{check, SyncEvent};
