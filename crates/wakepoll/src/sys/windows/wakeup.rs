//! `Wakeup`: a completion wakepoll posts to its own port — a Waker's wake, a `sync::Event`'s
//! signal — under a key of its own.
//!
//! Invariants:
//! * every `Wakeup` has a key no other registration of the process has (AFD completions use
//!   key 0 and are told apart by their `OVERLAPPED`); the selector maps keys to `Wakeup`s, and
//!   a completion whose key is no longer mapped (a dropped Waker, a deregistered Event) is
//!   dropped: this is the deregister guarantee for posted completions;
//! * `pending` is set by the one post that is in the port and cleared by the selector when it
//!   dequeues it, before the event reaches the caller: wakes before a poll coalesce into one
//!   event, and a wake after the event was collected posts a new one;
//! * the port is held weakly: a Wakeup kept by a `sync::Event` never keeps a closed Poll's
//!   port open, and notifying it then does nothing.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

use super::iocp::CompletionPort;
use crate::sys::Trigger;
use crate::Token;

/// Keys start at 1: 0 is the AFD handles'.
static NEXT_KEY: AtomicUsize = AtomicUsize::new(1);

#[derive(Debug)]
pub(crate) struct Wakeup {
    key: usize,
    port: Weak<CompletionPort>,
    token: AtomicUsize,
    pending: AtomicBool,
    trigger: Trigger,
    /// For a `sync::Event`: its (manual-reset) event object, checked before reporting: an
    /// Event reset before the poll is not reported, as an eventfd read back to zero is not.
    /// Borrowed: the Event deregisters (removing this Wakeup) before it closes the handle.
    signalled: Option<usize>,
}

impl Wakeup {
    pub(crate) fn new(
        port: &Arc<CompletionPort>,
        token: Token,
        trigger: Trigger,
        signalled: Option<usize>,
    ) -> Wakeup {
        Wakeup {
            key: NEXT_KEY.fetch_add(1, Ordering::Relaxed),
            port: Arc::downgrade(port),
            token: AtomicUsize::new(token.0),
            pending: AtomicBool::new(false),
            trigger,
            signalled,
        }
    }

    pub(crate) fn key(&self) -> usize {
        self.key
    }

    pub(crate) fn token(&self) -> Token {
        Token(self.token.load(Ordering::Acquire))
    }

    pub(crate) fn set_token(&self, token: Token) {
        self.token.store(token.0, Ordering::Release);
    }

    pub(crate) fn trigger(&self) -> Trigger {
        self.trigger
    }

    /// Posts the completion, unless one is already in the port. Never blocks.
    pub(crate) fn notify(&self) -> io::Result<()> {
        if self.pending.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        let Some(port) = self.port.upgrade() else {
            return Ok(());
        };
        port.post(self.key).inspect_err(|_| {
            // Nothing is in the port: let the next notify try again.
            self.pending.store(false, Ordering::Release);
        })
    }

    /// The selector dequeued this Wakeup's completion; whether to report it.
    pub(crate) fn take(&self) -> bool {
        self.pending.store(false, Ordering::Release);
        self.is_signalled()
    }

    /// Whether the source is ready now: always for a Waker, while signalled for an Event.
    pub(crate) fn is_signalled(&self) -> bool {
        match self.signalled {
            None => true,
            Some(handle) => super::sync_event::is_signalled(handle),
        }
    }
}
