//! `Poll` and `Registry`: the platform-neutral layer over `sys::Selector`.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::event::{RawSource, Source};
use crate::{sys, Events, Interest, Token};

/// Polls for readiness events on all registered sources.
///
/// A `Poll` owns one OS selector (an epoll instance on Linux, a kqueue on macOS and FreeBSD).
/// [`poll`](Poll::poll) takes `&mut self`, so only one thread can be inside it at a time; the
/// [`Registry`] (and its clones) may be used from any thread meanwhile, and a registration
/// made during a blocking `poll` takes effect in it.
///
/// Readiness is edge-triggered: an event is reported when a source *becomes* ready. After an
/// event, read or write until the operation would block; only then is a new event guaranteed
/// for new readiness.
#[derive(Debug)]
pub struct Poll {
    registry: Registry,
}

/// Registers I/O resources with a [`Poll`].
///
/// Obtained from [`Poll::registry`]; [`try_clone`](Registry::try_clone) gives an owned handle
/// for another thread.
#[derive(Debug)]
pub struct Registry {
    selector: Arc<sys::Selector>,
    /// `Edge` for a `Poll`'s; `Level` for the one inside a `WaitContext`.
    trigger: sys::Trigger,
}

impl Poll {
    /// Creates a new `Poll` with its own OS selector.
    pub fn new() -> io::Result<Poll> {
        Ok(Poll {
            registry: Registry {
                selector: Arc::new(sys::Selector::new()?),
                trigger: sys::Trigger::Edge,
            },
        })
    }

    /// The registry of this `Poll`.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// See [`Registry::as_pollable`].
    pub fn as_pollable(&self) -> Option<RawSource> {
        self.registry.as_pollable()
    }

    /// Waits for readiness events.
    ///
    /// Clears `events`, then blocks until at least one event is ready or `timeout` passes,
    /// and fills at most `events.capacity()` events. `None` waits forever; `Some(ZERO)` does
    /// not block but still collects what is ready.
    ///
    /// Unlike mio: a timeout is never shortened (the OS's millisecond resolution rounds up),
    /// and an interrupted wait (`EINTR`) is retried with the time that remains instead of
    /// being returned as an error.
    #[inline]
    pub fn poll(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        // The calls an event loop makes most — no timeout, or zero — answered by the first
        // select: one system call, no clock read, nothing out of line. The rest (a positive
        // timeout, an interruption, waiting again) goes to `wait`.
        if timeout.is_none_or(|t| t.is_zero()) {
            match self.registry.selector.select(events.sys(), timeout) {
                Ok(()) if timeout.is_some() || !events.is_empty() => return Ok(()),
                Ok(()) => {}
                Err(err) => return self.select_failed(events, timeout, err),
            }
        }
        self.wait(events, timeout)
    }

    /// After the first select of a `poll` without a deadline failed: an interruption is
    /// retried (or, for a zero timeout, is an empty poll); any other error is returned.
    #[cold]
    #[inline(never)]
    fn select_failed(
        &mut self,
        events: &mut Events,
        timeout: Option<Duration>,
        err: io::Error,
    ) -> io::Result<()> {
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
        events.clear();
        match timeout {
            None => self.wait(events, None),
            Some(_) => Ok(()),
        }
    }

    /// Selects until an event arrives or `timeout` passes, retrying interruptions with the
    /// time that remains.
    #[inline(never)]
    fn wait(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        // The clock is read only for a positive timeout, and again only to re-wait after an
        // interruption or an early return.
        let start = timeout.filter(|t| !t.is_zero()).map(|_| Instant::now());
        let mut remaining = timeout;
        loop {
            match self.registry.selector.select(events.sys(), remaining) {
                Ok(()) if !events.is_empty() => return Ok(()),
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => events.clear(),
                Err(err) => return Err(err),
            }
            match (timeout, start) {
                (None, _) => {}
                (Some(_), None) => return Ok(()),
                (Some(timeout), Some(start)) => {
                    let elapsed = start.elapsed();
                    if elapsed >= timeout {
                        return Ok(());
                    }
                    remaining = Some(timeout - elapsed);
                }
            }
        }
    }
}

impl Registry {
    /// Registers `source` with the `Poll`, reporting `interests` with `token`.
    ///
    /// A source that is already registered with this `Poll` is an error of kind
    /// `AlreadyExists` (`EEXIST`, "already registered") — in release builds too. wakepoll's
    /// own sources (a [`sync::Event`](crate::sync::Event), the sockets of [`net`](crate::net),
    /// the ends of a `unix::pipe`) belong to one `Poll` at a time:
    /// registering one that is registered with another `Poll` is `AlreadyExists` as well. A
    /// raw fd (`unix::SourceFd`) may be watched by several `Poll`s, once each.
    pub fn register<S>(&self, source: &mut S, token: Token, interests: Interest) -> io::Result<()>
    where
        S: Source + ?Sized,
    {
        source.register(self, token, interests)
    }

    /// Replaces the token **and** the interests of a registered source completely; a source
    /// that is still ready reports again.
    ///
    /// A source that is not registered is an error of kind `NotFound` (`ENOENT`,
    /// "not registered"); one of wakepoll's own sources registered with another `Poll`, of
    /// kind `AlreadyExists` (`EEXIST`).
    pub fn reregister<S>(&self, source: &mut S, token: Token, interests: Interest) -> io::Result<()>
    where
        S: Source + ?Sized,
    {
        source.reregister(self, token, interests)
    }

    /// Deregisters `source`. Once this returns, no later `poll` returns its token, even for
    /// readiness that was already pending.
    ///
    /// A source that is not registered is an error of kind `NotFound` (`ENOENT`); one of
    /// wakepoll's own sources registered with another `Poll`, of kind `AlreadyExists`
    /// (`EEXIST`).
    pub fn deregister<S>(&self, source: &mut S) -> io::Result<()>
    where
        S: Source + ?Sized,
    {
        source.deregister(self)
    }

    /// Another handle to the same registry, for use from another thread.
    ///
    /// The clone shares the selector (no file descriptor is duplicated); the selector closes
    /// when the `Poll` and every clone are dropped.
    pub fn try_clone(&self) -> io::Result<Registry> {
        Ok(Registry {
            selector: Arc::clone(&self.selector),
            trigger: self.trigger,
        })
    }

    /// The selector as a source that another readiness loop (libuv's `uv_poll`, another
    /// `Poll`) can watch: readable while this `Poll` has events to collect. `None` where the
    /// selector is not such a source (an I/O completion port on Windows).
    pub fn as_pollable(&self) -> Option<RawSource> {
        sys::pollable_selector(&self.selector)
    }

    /// Blocks until this `Poll` has events to collect (`true`) or `timeout` passes (`false`),
    /// without collecting them: the next [`Poll::poll`] does, and the deregister guarantee
    /// holds for them as for any event. For a thread that waits on behalf of a poller that is
    /// not polling meanwhile (another event loop, say, where the selector is not a source it
    /// can watch: see [`as_pollable`](Registry::as_pollable)). `true` may be spurious (a
    /// readiness the next `poll` finds deregistered or already consumed). An interrupted wait
    /// (`EINTR`) returns `false` early; call again.
    pub fn wait_ready(&self, timeout: Option<Duration>) -> io::Result<bool> {
        match sys::wait_ready(&self.selector, timeout) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => Ok(false),
            other => other,
        }
    }

    pub(crate) fn selector(&self) -> &Arc<sys::Selector> {
        &self.selector
    }

    /// A registry whose registrations are level-triggered: a `WaitContext`'s.
    pub(crate) fn new_level() -> io::Result<Registry> {
        Ok(Registry {
            selector: Arc::new(sys::Selector::new()?),
            trigger: sys::Trigger::Level,
        })
    }

    /// How the sources registered here report readiness.
    pub(crate) fn trigger(&self) -> sys::Trigger {
        self.trigger
    }
}
