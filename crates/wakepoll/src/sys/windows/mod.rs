//! Windows backend: an I/O completion port, with socket readiness from AFD polls (as mio and
//! wepoll do), Wakers and `sync::Event` notifications posted to the port, and sockets over
//! winsock.
//!
//! Windows has no readiness API for sockets. Each registered socket keeps one
//! `IOCTL_AFD_POLL` outstanding on a shared `\Device\Afd` handle that is associated with the
//! completion port; the completion says which readiness the socket reached. Edges are
//! emulated: a reported readiness is taken out of the socket's next poll until the operation
//! that consumes it returns `WouldBlock` (`REARMS_AFTER_WOULD_BLOCK`; the public layer's
//! `IoSource::do_io` calls `Selector::rearm_owned`).
//!
//! Parts of this backend are adapted from mio 1.2.5's `src/sys/windows` (MIT licence,
//! Copyright (c) 2014 Carl Lerche and other MIO contributors); the files that borrow say so.

pub(crate) mod adopt;
mod afd;
pub(crate) mod duplicate;
mod errno;
pub(crate) mod io;
mod io_status_block;
mod iocp;
pub(crate) mod listen_fds;
pub(crate) mod net;
mod pool_wait;
mod selector;
mod sock_state;
mod sync_event;
pub(crate) mod tcp;
mod timeout;
mod timer;
pub(crate) mod udp;
mod waker;
mod wakeup;

use std::os::windows::io::{AsRawSocket, AsSocket, BorrowedSocket, OwnedSocket, RawSocket};

pub(crate) use self::errno::{errno_name, error_kind, uv_errno, EBUSY, EEXIST, ENOENT, ENOTSUP};
pub(crate) use self::selector::{event, Event, Events, Selector, SELECTOR_CTL};
pub(crate) use self::sync_event::SyncEvent;
pub(crate) use self::timer::Timer;
pub(crate) use self::waker::Waker;

/// The OS handle of a source: a winsock `SOCKET`.
pub(crate) type RawSource = RawSocket;
/// An owned source handle, closed on drop.
pub(crate) type OwnedSource = OwnedSocket;
/// A borrowed source handle, what the socket functions take.
pub(crate) type BorrowedSource<'a> = BorrowedSocket<'a>;

/// AFD reports a readiness once; it is asked for again after the operation that consumed it
/// returns `WouldBlock` (see the module documentation).
pub(crate) const REARMS_AFTER_WOULD_BLOCK: bool = true;

pub(crate) fn borrow_source(source: &OwnedSource) -> BorrowedSource<'_> {
    source.as_socket()
}

pub(crate) fn raw_source(source: &OwnedSource) -> RawSource {
    source.as_raw_socket()
}

/// Gives up ownership of `source` without closing it.
pub(crate) fn into_raw_source(source: OwnedSource) -> RawSource {
    std::os::windows::io::IntoRawSocket::into_raw_socket(source)
}

/// A completion port is not a readiness source: no other loop (libuv's `uv_poll`, another
/// `Poll`) can watch it for "has events".
pub(crate) fn pollable_selector(_selector: &Selector) -> Option<RawSource> {
    None
}

/// Blocks until the port has completions (`true`) or `timeout` passes (`false`); what it
/// dequeues is kept for the next `select` (see `Selector::wait_ready`).
pub(crate) fn wait_ready(
    selector: &Selector,
    timeout: Option<std::time::Duration>,
) -> std::io::Result<bool> {
    selector.wait_ready(timeout)
}

/// A `SyncEvent` is an event object, not a socket: nothing a readiness loop can watch.
pub(crate) fn pollable_sync_event(_event: &SyncEvent) -> Option<RawSource> {
    None
}

/// A waitable timer does not cross processes as a socket does: no descriptor to send.
pub(crate) fn timer_descriptor(_timer: &Timer) -> Option<RawSource> {
    None
}

/// No descriptor passing (`SCM_RIGHTS`) on Windows: sockets cross processes with
/// `duplicate.rs` instead.
pub(crate) const MAX_FDS_PER_MESSAGE: usize = 0;

/// A waitable timer is not a socket: nothing a readiness loop can watch.
pub(crate) fn pollable_timer(_timer: &Timer) -> Option<RawSource> {
    None
}

/// The number that names an Event's handle to another process: the handle's value.
pub(crate) fn sync_event_descriptor(event: &SyncEvent) -> i64 {
    event.raw_handle() as i64
}

/// The Event's handle value, marked inheritable first: a process created afterwards with
/// handle inheritance (Node's `spawn`, std's `Command`) has it at the same value.
pub(crate) fn sync_event_inheritable_descriptor(event: &SyncEvent) -> std::io::Result<i64> {
    event.make_inheritable()?;
    Ok(sync_event_descriptor(event))
}

/// Adopts the Event handle `raw` after checking it (nothing is closed when the check fails).
///
/// # Safety
/// When the check passes, `raw` becomes the Event's: the caller must own it.
pub(crate) unsafe fn adopt_sync_event(raw: i64) -> std::io::Result<SyncEvent> {
    let handle = raw as isize as windows_sys::Win32::Foundation::HANDLE;
    sync_event::check(handle)?;
    // SAFETY: the caller hands over `handle`, which is open (checked just now).
    Ok(SyncEvent::from_owned_unchecked(unsafe {
        std::os::windows::io::FromRawHandle::from_raw_handle(handle)
    }))
}
