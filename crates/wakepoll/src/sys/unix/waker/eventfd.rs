//! Waker on an eventfd: one per Waker, registered edge-triggered with the Waker's token.
//!
//! Every `write` to an eventfd re-queues its epoll item, so each wake after the previous
//! event was collected produces a new event without any read; wakes before a poll coalesce
//! into one event. The counter saturating (`EAGAIN`) is handled inside `EventFd::increment`,
//! invisible to the caller.

use std::io;
use std::os::fd::AsRawFd;
use std::sync::Arc;

use crate::sys::unix::eventfd::EventFd;
use crate::sys::{Selector, Trigger};
use crate::{Interest, Token};

#[derive(Debug)]
pub(crate) struct Waker {
    fd: EventFd,
    selector: Arc<Selector>,
}

impl Waker {
    pub(crate) fn new(selector: &Arc<Selector>, token: Token) -> io::Result<Waker> {
        let fd = EventFd::new()?;
        selector.register_owned(fd.as_raw_fd(), token, Interest::READABLE, Trigger::Edge)?;
        Ok(Waker {
            fd,
            selector: Arc::clone(selector),
        })
    }

    #[inline]
    pub(crate) fn wake(&self) -> io::Result<()> {
        self.fd.increment()
    }
}

impl Drop for Waker {
    fn drop(&mut self) {
        // Leave epoll and the owned list while the fd number is still ours, so that no
        // other open of the same number can be mistaken for this waker.
        let _ = self.selector.deregister_owned(self.fd.as_raw_fd());
    }
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsRawFd;
    use std::sync::Arc;

    use super::Waker;
    use crate::sys::{Events, Selector};
    use crate::{error, Interest, Token};

    #[test]
    fn the_raw_fd_calls_cannot_touch_a_wakers_fd() {
        let selector = Arc::new(Selector::new().unwrap());
        let waker = Waker::new(&selector, Token(1)).unwrap();
        let fd = waker.fd.as_raw_fd();
        let code = |e: std::io::Error| error::sys_error(&e).map(|s| s.code());
        assert_eq!(
            code(
                selector
                    .register(fd, Token(2), Interest::READABLE)
                    .unwrap_err()
            ),
            Some("EEXIST")
        );
        assert_eq!(
            code(
                selector
                    .reregister(fd, Token(2), Interest::READABLE)
                    .unwrap_err()
            ),
            Some("ENOENT")
        );
        assert_eq!(code(selector.deregister(fd).unwrap_err()), Some("ENOENT"));

        // The waker still reports its own token.
        waker.wake().unwrap();
        let mut events = Events::with_capacity(2);
        selector
            .select(&mut events, Some(std::time::Duration::ZERO))
            .unwrap();
        let got: Vec<_> = events
            .as_slice()
            .iter()
            .map(crate::sys::event::token)
            .collect();
        assert_eq!(got, vec![Token(1)]);
    }

    #[test]
    fn a_saturated_counter_is_reset_inside_wake() {
        let selector = Arc::new(Selector::new().unwrap());
        let waker = Waker::new(&selector, Token(1)).unwrap();
        let max: u64 = u64::MAX - 1;
        // SAFETY: writes 8 bytes from a live u64 to the waker's eventfd.
        let n = unsafe { libc::write(waker.fd.as_raw_fd(), (&max as *const u64).cast(), 8) };
        assert_eq!(n, 8);
        waker.wake().expect("a full counter must not surface");
    }
}
