//! `WaitContext`: waits on several sources at once, level-triggered — crosvm's `WaitContext`.
//!
//! Invariants:
//! * it owns one [`Registry`] of its own whose registrations are level-triggered
//!   (`Trigger::Level`): every source registers through its ordinary `event::Source` calls, so
//!   a `WaitContext` takes exactly what `Registry::register` takes, with the same ownership
//!   rules (wakepoll's own sources are in one `Poll` or `WaitContext` at a time and leave it
//!   when dropped; a raw fd may be in several);
//! * a wait returns every ready source: when the buffer came back full, some may have been
//!   left out, so the (level-triggered, hence still reported) set is collected again into a
//!   buffer twice the size, which later waits keep using;
//! * events for one token are merged (kqueue reports reading and writing of one fd as two
//!   events), so each source appears once in a result;
//! * the retry loop (`EINTR`, deadlines) is the same as `Poll::poll`'s.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::event::Source;
use crate::sys;
use crate::{Interest, Registry, Token};

/// The buffer a first wait uses; it grows when it comes back full.
const INITIAL_CAPACITY: usize = 16;

/// Which readiness a [`WaitContext`] watches a source for (crosvm's `EventType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// Readable (an [`Event`](crate::sync::Event) signalled, a [`Timer`](crate::sync::Timer)
    /// fired, data to read, a peer that closed).
    Read,
    /// Writable.
    Write,
    /// Either.
    ReadWrite,
}

impl EventType {
    fn interest(self) -> Interest {
        match self {
            EventType::Read => Interest::READABLE,
            EventType::Write => Interest::WRITABLE,
            EventType::ReadWrite => Interest::READABLE | Interest::WRITABLE,
        }
    }
}

/// One ready source in the result of [`WaitContext::wait_events`] (crosvm's
/// `TriggeredEvent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TriggeredEvent {
    /// The token the source was added with.
    pub token: Token,
    /// Ready to read (or signalled, or fired).
    pub is_readable: bool,
    /// Ready to write.
    pub is_writable: bool,
    /// The peer hung up, or an error is pending on the source.
    pub is_hungup: bool,
}

/// Waits on several sources at once and reports the ready ones.
///
/// It takes what [`Registry::register`] takes: a [`sync::Event`](crate::sync::Event), a
/// [`sync::Timer`](crate::sync::Timer), sockets, pipe ends, raw fds
/// ([`SourceFd`](crate::unix::SourceFd)), for reading, writing or both ([`EventType`]).
///
/// Unlike a [`Poll`](crate::Poll), a `WaitContext` is **level-triggered**: a source stays
/// reported by every wait for as long as it is ready — an Event until it is
/// [`reset`](crate::sync::Event::reset) or [`wait`](crate::sync::Event::wait)ed, a Timer until
/// its expirations are consumed, a socket until its data is read. Waiting on the context
/// consumes nothing.
///
/// One of wakepoll's own sources is watched by one `WaitContext` (or `Poll`) at a time
/// (`AlreadyExists`, `EEXIST`, otherwise); add a `try_clone` of an Event to watch the same
/// signal in a second one. Dropping a source removes it. All methods take `&self`: a
/// `WaitContext` may be shared between threads.
#[derive(Debug)]
pub struct WaitContext {
    registry: Registry,
    capacity: AtomicUsize,
}

impl WaitContext {
    /// For `unix::AsRawFd`; Windows has no waitable handle for a whole context.
    #[cfg(unix)]
    pub(crate) fn selector(&self) -> &sys::Selector {
        self.registry.selector()
    }

    /// The context's selector as a source another readiness loop can watch (readable while
    /// one of its sources is ready), or `None` where it is not one (a completion port on
    /// Windows).
    pub fn as_pollable(&self) -> Option<crate::event::RawSource> {
        sys::pollable_selector(self.registry.selector())
    }

    /// Creates a context that watches nothing.
    pub fn new() -> io::Result<WaitContext> {
        Ok(WaitContext {
            registry: Registry::new_level()?,
            capacity: AtomicUsize::new(INITIAL_CAPACITY),
        })
    }

    /// The context's own registry, whose registrations are level-triggered:
    /// `ctx.registry().register(source, token, interests)` is [`add_for`](WaitContext::add_for)
    /// with an [`Interest`] instead of an [`EventType`] (for code that already speaks in
    /// interests). `reregister` is [`modify`](WaitContext::modify), `deregister`
    /// [`delete`](WaitContext::delete).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Watches `source` for reading, reporting it with `token` while it is readable (for an
    /// Event: signalled; for a Timer: fired).
    ///
    /// A source that is already in this context is an `AlreadyExists` error (`EEXIST`,
    /// "already registered"); one of wakepoll's own sources that is in another context or a
    /// `Poll`, too.
    pub fn add<S: Source>(&self, source: S, token: Token) -> io::Result<()> {
        self.add_for(source, EventType::Read, token)
    }

    /// Watches `source` for `event_type`, reporting it with `token` while it is ready so.
    pub fn add_for<S: Source>(
        &self,
        mut source: S,
        event_type: EventType,
        token: Token,
    ) -> io::Result<()> {
        source.register(&self.registry, token, event_type.interest())
    }

    /// Replaces the readiness watched for and the token of a source already in the context.
    ///
    /// Not in this context: `NotFound` (`ENOENT`); in another one or a `Poll`:
    /// `AlreadyExists` (`EEXIST`).
    pub fn modify<S: Source>(
        &self,
        mut source: S,
        event_type: EventType,
        token: Token,
    ) -> io::Result<()> {
        source.reregister(&self.registry, token, event_type.interest())
    }

    /// Stops watching `source`: no later wait reports its token.
    ///
    /// A source that is in no context is `NotFound` (`ENOENT`, "not registered"); one of
    /// wakepoll's own sources that is in another context or a `Poll`, `AlreadyExists`
    /// (`EEXIST`).
    pub fn delete<S: Source>(&self, mut source: S) -> io::Result<()> {
        source.deregister(&self.registry)
    }

    /// Blocks until at least one source is ready and returns the tokens of all ready sources,
    /// in no particular order, each once.
    pub fn wait(&self) -> io::Result<Vec<Token>> {
        Ok(tokens(self.wait_until(None)?))
    }

    /// Like [`wait`](WaitContext::wait), but gives up after `timeout` and then returns no
    /// token. Never gives up early; a zero timeout does not block.
    pub fn wait_timeout(&self, timeout: Duration) -> io::Result<Vec<Token>> {
        // A timeout too large for the clock waits forever.
        Ok(tokens(
            self.wait_until(Instant::now().checked_add(timeout))?,
        ))
    }

    /// Like [`wait`](WaitContext::wait), saying which way each source is ready (crosvm's
    /// `wait`, which returns `TriggeredEvent`s).
    pub fn wait_events(&self) -> io::Result<Vec<TriggeredEvent>> {
        self.wait_until(None)
    }

    /// Like [`wait_timeout`](WaitContext::wait_timeout), saying which way each source is
    /// ready; empty after the timeout.
    pub fn wait_events_timeout(&self, timeout: Duration) -> io::Result<Vec<TriggeredEvent>> {
        self.wait_until(Instant::now().checked_add(timeout))
    }

    fn wait_until(&self, deadline: Option<Instant>) -> io::Result<Vec<TriggeredEvent>> {
        let selector = self.registry.selector();
        let mut events = sys::Events::with_capacity(self.capacity.load(Ordering::Relaxed));
        loop {
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match selector.select(&mut events, remaining) {
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
            match selector.select(&mut more, Some(Duration::ZERO)) {
                // Everything was reset meanwhile: what we have was true a moment ago.
                Ok(()) if more.as_slice().is_empty() => break,
                Ok(()) => events = more,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        let mut triggered: Vec<TriggeredEvent> = events
            .as_slice()
            .iter()
            .map(|event| TriggeredEvent {
                token: sys::event::token(event),
                is_readable: sys::event::is_readable(event),
                is_writable: sys::event::is_writable(event),
                is_hungup: sys::event::is_read_closed(event)
                    || sys::event::is_write_closed(event)
                    || sys::event::is_error(event),
            })
            .collect();
        if triggered.len() > 1 {
            triggered.sort_unstable_by_key(|t| t.token);
            triggered.dedup_by(|later, kept| {
                let same = later.token == kept.token;
                if same {
                    kept.is_readable |= later.is_readable;
                    kept.is_writable |= later.is_writable;
                    kept.is_hungup |= later.is_hungup;
                }
                same
            });
        }
        Ok(triggered)
    }
}

fn tokens(events: Vec<TriggeredEvent>) -> Vec<Token> {
    events.into_iter().map(|e| e.token).collect()
}
