//! Windows-only extensions: the OS handles behind a `Poll` and a `sync::Event`, as `unix`
//! gives their fds.

use std::os::windows::io::{AsRawHandle, FromRawHandle, IntoRawHandle, OwnedHandle, RawHandle};

impl AsRawHandle for crate::Poll {
    /// The selector's I/O completion port, so that code beside wakepoll can post to it or
    /// associate handles with it. Dequeuing from it directly would steal wakepoll's events.
    fn as_raw_handle(&self) -> RawHandle {
        self.registry().selector().raw_handle()
    }
}

impl AsRawHandle for crate::Registry {
    fn as_raw_handle(&self) -> RawHandle {
        self.selector().raw_handle()
    }
}

impl AsRawHandle for crate::sync::Event {
    /// The Event's own event object (manual-reset; each clone has its own duplicate handle),
    /// set while the event is signalled, so that other code can wait on it. Setting it directly
    /// (`SetEvent`, here or in another process) wakes a `Poll` or `WaitContext` through a
    /// thread-pool wait, a little later than [`Event::signal`](crate::sync::Event::signal)
    /// would; resetting it directly bypasses the one-waiter rule and does not renew that wait
    /// (see `sys/windows/sync_event.rs`): prefer [`Event::reset`](crate::sync::Event::reset).
    fn as_raw_handle(&self) -> RawHandle {
        self.sys().raw_handle()
    }
}

/// An Event adopted from an event object's handle (one duplicated into this process with
/// `DuplicateHandle`, or inherited), unchecked as every `FromRawHandle`; `TryFrom<OwnedHandle>`
/// and `Event::from_raw_descriptor` check it. A signal made in any process that holds the
/// event object is seen by a wait, a `Poll` or a `WaitContext` in this one.
impl FromRawHandle for crate::sync::Event {
    unsafe fn from_raw_handle(handle: RawHandle) -> crate::sync::Event {
        // SAFETY: the caller passes an owned event handle (`FromRawHandle`'s contract).
        let handle = unsafe { OwnedHandle::from_raw_handle(handle) };
        crate::sync::Event::from_sys(crate::sys::SyncEvent::from_owned_unchecked(handle))
    }
}

/// The Event's handle, to duplicate into or let another process inherit. The Event's
/// registration ends first.
impl IntoRawHandle for crate::sync::Event {
    fn into_raw_handle(self) -> RawHandle {
        self.into_sys().into_owned().into_raw_handle()
    }
}

impl TryFrom<OwnedHandle> for crate::sync::Event {
    type Error = std::io::Error;

    /// Adopts an event object's handle after checking that it is open and waitable.
    fn try_from(handle: OwnedHandle) -> std::io::Result<crate::sync::Event> {
        crate::sys::SyncEvent::from_owned(handle).map(crate::sync::Event::from_sys)
    }
}
