//! The `sync::Event` of this Unix platform: one descriptor that carries the whole state, so
//! that it can cross processes — an eventfd on Linux, an unlinked FIFO on the kqueue platforms.

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
mod fifo;
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    all(target_os = "linux", wakepoll_libkqueue)
))]
pub(crate) use self::fifo::{check, SyncEvent};

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::SyncEvent;

    #[test]
    fn wait_once_consumes_the_signal_and_clones_share_it() {
        let a = SyncEvent::new().unwrap();
        let b = a.try_clone().unwrap();
        assert!(!a.wait_once(Some(Duration::ZERO)).unwrap());
        b.signal().unwrap();
        assert!(a.wait_once(Some(Duration::from_millis(1))).unwrap());
        assert!(!b.wait_once(Some(Duration::ZERO)).unwrap());
        a.signal().unwrap();
        b.reset().unwrap();
        assert!(!a.wait_once(Some(Duration::from_millis(1))).unwrap());
    }
}
