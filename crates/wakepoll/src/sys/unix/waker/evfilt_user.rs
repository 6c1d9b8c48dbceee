//! Waker on a kqueue user event (`EVFILT_USER`): one per Waker, edge-triggered (`EV_CLEAR`),
//! with the Waker's token.
//!
//! mio gives every Waker ident 0, so a second Waker of one Poll replaces the first. Here each
//! Waker takes its own ident from a process-wide counter: user events live in a namespace of
//! their own (idents are not fds), so any distinct numbers do, and several Wakers per Poll
//! each report their own token.
//!
//! `NOTE_TRIGGER` marks the event; triggers before a poll coalesce into one event, and after
//! the event is collected `EV_CLEAR` re-arms it, so the next wake reports again without any
//! reset. There is no counter to saturate and no fd: a wake is one `kevent`. `EVFILT_USER`
//! exists on every kqueue platform wakepoll builds for (macOS, FreeBSD), so there is no pipe
//! fallback.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::sys::Selector;
use crate::Token;

/// The ident of the next Waker. Wrapping after 2^64 Wakers could only collide with one
/// still alive from 2^64 creations ago.
static NEXT_IDENT: AtomicUsize = AtomicUsize::new(1);

#[derive(Debug)]
pub(crate) struct Waker {
    ident: usize,
    token: Token,
    selector: Arc<Selector>,
}

impl Waker {
    pub(crate) fn new(selector: &Arc<Selector>, token: Token) -> io::Result<Waker> {
        let ident = NEXT_IDENT.fetch_add(1, Ordering::Relaxed);
        selector.register_waker(ident, token)?;
        Ok(Waker {
            ident,
            token,
            selector: Arc::clone(selector),
        })
    }

    pub(crate) fn wake(&self) -> io::Result<()> {
        self.selector.wake(self.ident, self.token)
    }
}

impl Drop for Waker {
    fn drop(&mut self) {
        // A wake not yet collected goes with it, as with the eventfd on Linux.
        let _ = self.selector.deregister_waker(self.ident);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::Waker;
    use crate::sys::{event, Events, Selector};
    use crate::Token;

    fn tokens(selector: &Selector) -> Vec<Token> {
        let mut events = Events::with_capacity(8);
        selector.select(&mut events, Some(Duration::ZERO)).unwrap();
        let mut got: Vec<_> = events.as_slice().iter().map(event::token).collect();
        got.sort();
        got
    }

    #[test]
    fn several_wakers_of_one_selector_report_their_own_tokens() {
        let selector = Arc::new(Selector::new().unwrap());
        let a = Waker::new(&selector, Token(1)).unwrap();
        let b = Waker::new(&selector, Token(2)).unwrap();
        a.wake().unwrap();
        b.wake().unwrap();
        b.wake().unwrap();
        assert_eq!(tokens(&selector), vec![Token(1), Token(2)]);
        assert_eq!(tokens(&selector), vec![]);
        b.wake().unwrap();
        assert_eq!(tokens(&selector), vec![Token(2)]);
    }

    #[test]
    fn a_dropped_waker_takes_its_pending_wake_along() {
        let selector = Arc::new(Selector::new().unwrap());
        let a = Waker::new(&selector, Token(1)).unwrap();
        a.wake().unwrap();
        drop(a);
        assert_eq!(tokens(&selector), vec![]);
    }
}
