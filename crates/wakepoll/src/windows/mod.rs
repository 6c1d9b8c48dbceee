//! Windows-only extensions: the OS handles behind a `Poll` and a `sync::Event`, as `unix`
//! gives their fds.

use std::os::windows::io::{AsRawHandle, RawHandle};

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
    /// set while the event is signalled, so that other code can wait on it. Resetting it
    /// directly bypasses the one-waiter rule, and setting it directly does not wake a `Poll`
    /// or `WaitContext`: prefer [`Event::signal`](crate::sync::Event::signal).
    fn as_raw_handle(&self) -> RawHandle {
        self.sys().raw_handle()
    }
}
