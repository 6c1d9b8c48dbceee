//! Waker on the completion port: `PostQueuedCompletionStatus` with a key of its own.
//!
//! Each Waker is a `Wakeup` of its selector (see `wakeup.rs`): its own key, so several Wakers
//! per Poll each report their own token, and a dropped Waker's queued wake is never reported;
//! wakes before a poll coalesce into one event, and the next wake after that event was
//! collected posts a new one.

use std::io;
use std::sync::Arc;

use super::wakeup::Wakeup;
use crate::sys::{Selector, Trigger};
use crate::Token;

#[derive(Debug)]
pub(crate) struct Waker {
    wakeup: Arc<Wakeup>,
    selector: Arc<Selector>,
}

impl Waker {
    pub(crate) fn new(selector: &Arc<Selector>, token: Token) -> io::Result<Waker> {
        Ok(Waker {
            wakeup: selector.add_wakeup(token, Trigger::Edge, None),
            selector: Arc::clone(selector),
        })
    }

    pub(crate) fn wake(&self) -> io::Result<()> {
        self.wakeup.notify()
    }
}

impl Drop for Waker {
    fn drop(&mut self) {
        self.selector.remove_wakeup(&self.wakeup);
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
        events.as_slice().iter().map(event::token).collect()
    }

    #[test]
    fn a_dropped_wakers_queued_wake_is_never_reported() {
        let selector = Arc::new(Selector::new().unwrap());
        let kept = Waker::new(&selector, Token(1)).unwrap();
        let dropped = Waker::new(&selector, Token(2)).unwrap();
        dropped.wake().unwrap();
        kept.wake().unwrap();
        drop(dropped);
        assert_eq!(tokens(&selector), vec![Token(1)]);
    }
}
