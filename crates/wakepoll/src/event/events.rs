//! `Events`: the buffer [`Poll::poll`](crate::Poll::poll) fills.

use std::fmt;

use crate::event::Event;
use crate::sys;

/// A collection of readiness events, reused across calls to [`Poll::poll`](crate::Poll::poll).
///
/// `poll` clears it, then fills at most [`capacity`](Events::capacity) events; ready events
/// that did not fit are returned by the next call.
pub struct Events {
    inner: sys::Events,
}

/// Iterates the events of an [`Events`].
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    inner: std::slice::Iter<'a, sys::Event>,
}

impl Events {
    /// An empty buffer for up to `capacity` events.
    ///
    /// A capacity of 0 is allowed here, as in mio, but such a buffer never receives an event;
    /// the JavaScript API refuses it.
    pub fn with_capacity(capacity: usize) -> Events {
        Events {
            inner: sys::Events::with_capacity(capacity),
        }
    }

    /// How many events one `poll` can return at most.
    pub fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// Whether the last `poll` returned no event.
    pub fn is_empty(&self) -> bool {
        self.inner.as_slice().is_empty()
    }

    /// How many events the last `poll` returned.
    pub fn len(&self) -> usize {
        self.inner.as_slice().len()
    }

    /// The events, in the order the OS reported them.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.inner.as_slice().iter(),
        }
    }

    /// The event at `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&Event> {
        self.inner
            .as_slice()
            .get(index)
            .map(Event::from_sys_event_ref)
    }

    /// Removes all events.
    pub fn clear(&mut self) {
        self.inner.clear();
    }

    pub(crate) fn sys(&mut self) -> &mut sys::Events {
        &mut self.inner
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = &'a Event;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Event;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(Event::from_sys_event_ref)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self).finish()
    }
}
