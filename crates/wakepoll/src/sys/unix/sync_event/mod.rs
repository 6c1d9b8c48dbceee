//! The `sync::Event` of this Unix platform.

#[cfg(any(target_os = "linux", target_os = "android"))]
mod eventfd;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use self::eventfd::SyncEvent;
