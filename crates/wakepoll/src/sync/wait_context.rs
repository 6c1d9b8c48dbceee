//! `WaitContext`: waits on several [`Event`]s at once, level-triggered — crosvm's
//! `WaitContext`.
//!
//! Invariants:
//! * it owns one selector of its own, and registers Events on it level-triggered
//!   (`Trigger::Level`), through each Event's `Registration`: an Event value is in one
//!   `WaitContext` or `Poll` at a time, and leaves it when dropped;
//! * a wait returns every signalled token: when the buffer came back full, some may have been
//!   left out, so the (level-triggered, hence still reported) set is collected again into a
//!   buffer twice the size, which later waits keep using;
//! * the retry loop (`EINTR`, deadlines) is the same as `Poll::poll`'s.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::sync::Event;
use crate::sys::{self, Trigger};
use crate::{Interest, Token};

/// The buffer a first wait uses; it grows when it comes back full.
const INITIAL_CAPACITY: usize = 16;

/// Waits on several [`Event`]s at once and returns the tokens of the signalled ones.
///
/// Unlike a [`Poll`](crate::Poll), a `WaitContext` is **level-triggered**: an Event stays
/// reported by every wait for as long as it is signalled, that is until it is
/// [`reset`](Event::reset) or [`wait`](Event::wait)ed. Waiting on the context does not clear
/// anything.
///
/// An `Event` value is watched by one `WaitContext` (or `Poll`) at a time; add a
/// [`try_clone`](Event::try_clone) to watch the same signal in a second one. Dropping an
/// `Event` removes it. All methods take `&self`: a `WaitContext` may be shared between threads.
#[derive(Debug)]
pub struct WaitContext {
    selector: Arc<sys::Selector>,
    capacity: AtomicUsize,
}

impl WaitContext {
    /// For `unix::AsRawFd`; Windows has no waitable handle for a whole context.
    #[cfg(unix)]
    pub(crate) fn selector(&self) -> &sys::Selector {
        &self.selector
    }

    /// The context's selector as a source another readiness loop can watch (readable while
    /// one of its Events is signalled), or `None` where it is not one (a completion port on
    /// Windows).
    pub fn as_pollable(&self) -> Option<crate::event::RawSource> {
        sys::pollable_selector(&self.selector)
    }

    /// Creates a context that watches no Event.
    pub fn new() -> io::Result<WaitContext> {
        Ok(WaitContext {
            selector: Arc::new(sys::Selector::new()?),
            capacity: AtomicUsize::new(INITIAL_CAPACITY),
        })
    }

    /// Watches `event`, reporting it with `token` while it is signalled.
    ///
    /// An Event that is already in this context, in another one or in a `Poll` is an
    /// `AlreadyExists` error (`EEXIST`, "already registered").
    pub fn add(&self, event: &Event, token: Token) -> io::Result<()> {
        event.registration().register(&self.selector, |selector| {
            event
                .sys()
                .register(selector, token, Interest::READABLE, Trigger::Level)
        })
    }

    /// Stops watching `event`: no later wait reports its token.
    ///
    /// An Event that is in no context is `NotFound` (`ENOENT`, "not registered"); one that is
    /// in another context or a `Poll`, `AlreadyExists` (`EEXIST`).
    pub fn delete(&self, event: &Event) -> io::Result<()> {
        event
            .registration()
            .deregister(&self.selector, |selector| event.sys().deregister(selector))
    }

    /// Blocks until at least one Event is signalled and returns the tokens of all signalled
    /// Events, in no particular order.
    pub fn wait(&self) -> io::Result<Vec<Token>> {
        self.wait_until(None)
    }

    /// Like [`wait`](WaitContext::wait), but gives up after `timeout` and then returns no
    /// token. Never gives up early; a zero timeout does not block.
    pub fn wait_timeout(&self, timeout: Duration) -> io::Result<Vec<Token>> {
        // A timeout too large for the clock waits forever.
        self.wait_until(Instant::now().checked_add(timeout))
    }

    fn wait_until(&self, deadline: Option<Instant>) -> io::Result<Vec<Token>> {
        let mut events = sys::Events::with_capacity(self.capacity.load(Ordering::Relaxed));
        loop {
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match self.selector.select(&mut events, remaining) {
                Ok(()) if !events.as_slice().is_empty() => break,
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(Vec::new());
            }
        }
        while events.as_slice().len() == events.capacity() {
            let capacity = events.capacity().saturating_mul(2);
            self.capacity.fetch_max(capacity, Ordering::Relaxed);
            let mut more = sys::Events::with_capacity(capacity);
            match self.selector.select(&mut more, Some(Duration::ZERO)) {
                // Everything was reset meanwhile: what we have was true a moment ago.
                Ok(()) if more.as_slice().is_empty() => break,
                Ok(()) => events = more,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        Ok(events.as_slice().iter().map(sys::event::token).collect())
    }
}
