//! `sync::Event` on a Windows event object (as crosvm's `Event` on Windows).
//!
//! The object is manual-reset: signalled means "set". `signal` sets it, a successful wait
//! resets it, `reset` resets it, and a clone is a `DuplicateHandle` of it, so clones share the
//! state. Manual reset, because a `WaitContext` must look at the state without consuming it
//! (level-triggered) and a `Poll` must not consume it either.
//!
//! Registrations: Windows cannot watch an event object through a completion port on the
//! systems wakepoll supports here (`NtAssociateWaitCompletionPacket`, Windows 8+, is neither
//! in windows-sys 0.61 nor in wine 8.0, and `RegisterWaitForSingleObject` would deliver the
//! notification from a thread-pool thread, later than `signal` returns, so that a zero-timeout
//! poll right after a signal could miss it). So `signal` itself notifies every registration
//! of the Event and of its clones: each is a `Wakeup` on its selector's port (see
//! `wakeup.rs`), listed in the state the clones share. The consequence: a `SetEvent` on the
//! raw handle by code outside wakepoll wakes waiters, but not a `Poll` or `WaitContext`.
//!
//! Invariants:
//! * `wait_once` makes at most one blocking call (`WaitForSingleObject`), its timeout rounded
//!   **up** to whole milliseconds; a signal that lands between the wait's return and its reset
//!   is consumed with it (signals before one wait count as one);
//! * each `SyncEvent` value (each clone) has at most one registration (the public layer's
//!   `Registration` enforces it); it is listed in `shared.watchers` under its key, and both
//!   the list entry and the selector's key go in `deregister`, before the handle closes.

use std::io;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::ptr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use windows_sys::Win32::Foundation::{
    DuplicateHandle, DUPLICATE_SAME_ACCESS, HANDLE, WAIT_FAILED, WAIT_OBJECT_0, WAIT_TIMEOUT,
};
use windows_sys::Win32::System::Threading::{
    CreateEventW, GetCurrentProcess, ResetEvent, SetEvent, WaitForSingleObject,
};

use super::timeout;
use super::wakeup::Wakeup;
use crate::sys::{Selector, Trigger};
use crate::{error, Interest, Token};

#[derive(Debug)]
pub(crate) struct SyncEvent {
    handle: OwnedHandle,
    shared: Arc<Shared>,
    /// This value's registration, if any: its Wakeup (the key in `shared.watchers`).
    registered: Mutex<Option<Arc<Wakeup>>>,
}

/// What an Event and its clones share besides the event object.
#[derive(Debug, Default)]
struct Shared {
    watchers: Mutex<Vec<Arc<Wakeup>>>,
}

impl SyncEvent {
    pub(crate) fn new() -> io::Result<SyncEvent> {
        // SAFETY: no security attributes, manual reset, not signalled, no name.
        let handle = unsafe { CreateEventW(ptr::null(), 1, 0, ptr::null()) };
        if handle.is_null() {
            return Err(error::last("CreateEventW"));
        }
        Ok(SyncEvent {
            // SAFETY: `handle` was just returned by CreateEventW and nothing else owns it.
            handle: unsafe { OwnedHandle::from_raw_handle(handle) },
            shared: Arc::default(),
            registered: Mutex::new(None),
        })
    }

    /// Adopts an event object's handle made elsewhere (duplicated into this process, or
    /// inherited); `check`ed first.
    pub(crate) fn from_owned(handle: OwnedHandle) -> io::Result<SyncEvent> {
        check(handle.as_raw_handle())?;
        Ok(SyncEvent::from_owned_unchecked(handle))
    }

    pub(crate) fn from_owned_unchecked(handle: OwnedHandle) -> SyncEvent {
        SyncEvent {
            handle,
            shared: Arc::default(),
            registered: Mutex::new(None),
        }
    }

    /// Gives the handle up (the public layer deregistered first).
    pub(crate) fn into_owned(self) -> OwnedHandle {
        if let Some(wakeup) = lock(&self.registered).take() {
            self.unwatch(&wakeup);
        }
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped nor used again, so each field is moved out exactly
        // once: the handle is returned, the others are dropped here.
        unsafe {
            drop(ptr::read(&this.shared));
            drop(ptr::read(&this.registered));
            ptr::read(&this.handle)
        }
    }

    fn raw(&self) -> HANDLE {
        self.handle.as_raw_handle()
    }

    /// The event object's handle (for `AsRawHandle`).
    pub(crate) fn raw_handle(&self) -> HANDLE {
        self.raw()
    }

    pub(crate) fn signal(&self) -> io::Result<()> {
        // SAFETY: the event handle is ours and open.
        if unsafe { SetEvent(self.raw()) } == 0 {
            return Err(error::last("SetEvent"));
        }
        for watcher in lock(&self.shared.watchers).iter() {
            watcher.notify()?;
        }
        Ok(())
    }

    /// Consumes the signal if there is one, else waits once for it (at most `timeout`).
    /// `Ok(true)`: it was signalled, and is now clear.
    pub(crate) fn wait_once(&self, timeout: Option<Duration>) -> io::Result<bool> {
        // SAFETY: the event handle is ours and open.
        match unsafe { WaitForSingleObject(self.raw(), timeout::to_ms(timeout)) } {
            WAIT_OBJECT_0 => self.reset().map(|()| true),
            WAIT_TIMEOUT => Ok(false),
            WAIT_FAILED => Err(error::last("WaitForSingleObject")),
            other => Err(error::from_errno("WaitForSingleObject", other as i32)),
        }
    }

    pub(crate) fn reset(&self) -> io::Result<()> {
        // SAFETY: the event handle is ours and open.
        if unsafe { ResetEvent(self.raw()) } == 0 {
            return Err(error::last("ResetEvent"));
        }
        Ok(())
    }

    pub(crate) fn try_clone(&self) -> io::Result<SyncEvent> {
        let mut handle: HANDLE = ptr::null_mut();
        // SAFETY: duplicates our open handle within this process into a live local.
        let ok = unsafe {
            let process = GetCurrentProcess();
            DuplicateHandle(
                process,
                self.raw(),
                process,
                &mut handle,
                0,
                0,
                DUPLICATE_SAME_ACCESS,
            )
        };
        if ok == 0 {
            return Err(error::last("DuplicateHandle"));
        }
        Ok(SyncEvent {
            // SAFETY: DuplicateHandle succeeded: `handle` is new and nothing else owns it.
            handle: unsafe { OwnedHandle::from_raw_handle(handle) },
            shared: Arc::clone(&self.shared),
            registered: Mutex::new(None),
        })
    }

    pub(crate) fn register(
        &self,
        selector: &Selector,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        check_interests(interests)?;
        let mut registered = lock(&self.registered);
        if let Some(stale) = registered.take() {
            // Left behind by a Poll that was dropped while this Event was registered.
            self.unwatch(&stale);
        }
        let wakeup = selector.add_wakeup(token, trigger, Some(self.raw() as usize));
        lock(&self.shared.watchers).push(Arc::clone(&wakeup));
        *registered = Some(Arc::clone(&wakeup));
        drop(registered);
        // Like an epoll registration of a ready fd: an Event signalled already reports.
        if trigger == Trigger::Edge && self.is_signalled_now() {
            wakeup.notify()?;
        }
        Ok(())
    }

    pub(crate) fn reregister(
        &self,
        _selector: &Selector,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        check_interests(interests)?;
        let registered = lock(&self.registered);
        let Some(wakeup) = registered.as_ref() else {
            return Err(error::with_message(
                super::selector::SELECTOR_CTL,
                super::ENOENT,
                "not registered",
            ));
        };
        wakeup.set_token(token);
        // Re-arm: an Event that is still signalled reports again.
        if trigger == Trigger::Edge && self.is_signalled_now() {
            wakeup.notify()?;
        }
        Ok(())
    }

    pub(crate) fn deregister(&self, selector: &Selector) -> io::Result<()> {
        if let Some(wakeup) = lock(&self.registered).take() {
            self.unwatch(&wakeup);
            selector.remove_wakeup(&wakeup);
        }
        Ok(())
    }

    fn unwatch(&self, wakeup: &Arc<Wakeup>) {
        lock(&self.shared.watchers).retain(|w| !Arc::ptr_eq(w, wakeup));
    }

    fn is_signalled_now(&self) -> bool {
        is_signalled(self.raw() as usize)
    }
}

impl Drop for SyncEvent {
    fn drop(&mut self) {
        // The public layer deregistered already if the selector is alive; a registration with
        // a selector that is gone is still listed among the clones' watchers.
        if let Some(wakeup) = lock(&self.registered).take() {
            self.unwatch(&wakeup);
        }
    }
}

/// Whether `handle` can be adopted as an Event: an open handle that can be waited on. Windows
/// has no cheap public way to ask for an object's type; a handle of another waitable kind
/// passes. A closed or invalid handle is `ERROR_INVALID_HANDLE`.
pub(crate) fn check(handle: HANDLE) -> io::Result<()> {
    if handle.is_null() || (handle as isize) < 0 {
        return Err(error::from_errno(
            "WaitForSingleObject",
            windows_sys::Win32::Foundation::ERROR_INVALID_HANDLE as i32,
        ));
    }
    // SAFETY: a zero-timeout wait on a handle value; an invalid one fails with WAIT_FAILED.
    if unsafe { WaitForSingleObject(handle, 0) } == WAIT_FAILED {
        return Err(error::last("WaitForSingleObject"));
    }
    Ok(())
}

/// Whether the (manual-reset) event object `handle` is set; does not consume it.
pub(crate) fn is_signalled(handle: usize) -> bool {
    // SAFETY: callers pass the handle of a live SyncEvent (a Wakeup's is removed before its
    // Event closes the handle); a zero timeout never blocks, and on a manual-reset event a
    // satisfied wait changes nothing.
    unsafe { WaitForSingleObject(handle as HANDLE, 0) == WAIT_OBJECT_0 }
}

fn check_interests(interests: Interest) -> io::Result<()> {
    if interests.is_aio() || interests.is_lio() || interests.is_priority() {
        return Err(error::with_message(
            super::selector::SELECTOR_CTL,
            windows_sys::Win32::Foundation::ERROR_NOT_SUPPORTED as i32,
            "an Event is only ever readable",
        ));
    }
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here is a push, a retain or a take: a poisoned lock still holds
    // a consistent value.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::SyncEvent;

    #[test]
    fn wait_once_consumes_the_signal_and_clones_share_it() {
        let a = SyncEvent::new().unwrap();
        let b = a.try_clone().unwrap();
        assert!(!a.wait_once(Some(Duration::ZERO)).unwrap());
        b.signal().unwrap();
        assert!(a.wait_once(Some(Duration::from_millis(1))).unwrap());
        assert!(!b.wait_once(Some(Duration::ZERO)).unwrap());
        a.signal().unwrap();
        b.reset().unwrap();
        assert!(!a.wait_once(Some(Duration::from_millis(1))).unwrap());
    }
}
