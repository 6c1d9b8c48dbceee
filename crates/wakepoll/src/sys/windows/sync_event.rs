//! `sync::Event` on a Windows event object (as crosvm's `Event` on Windows).
//!
//! The object is manual-reset: signalled means "set". `signal` sets it, a successful wait
//! resets it, `reset` resets it, and a clone is a `DuplicateHandle` of it, so clones share the
//! state. Manual reset, because a `WaitContext` must look at the state without consuming it
//! (level-triggered) and a `Poll` must not consume it either. The handle crosses to a child
//! process by inheritance (`Event::inheritable_descriptor` marks it `HANDLE_FLAG_INHERIT`) or
//! by `DuplicateHandle`; the event object is then shared by both processes.
//!
//! As a source: a `Poll` or `WaitContext` learns of readiness through completions posted to
//! its port (each registration is a `Wakeup`, see `wakeup.rs`, which reports only while the
//! event object is set). Two paths notify it:
//! * `signal` notifies every registration of the Event and of its clones in this process
//!   directly, before it returns, so that a zero-timeout poll right after a local signal sees
//!   it (a thread-pool callback could come later);
//! * each registration keeps a one-shot thread-pool wait (`RegisterWaitForSingleObject`,
//!   `WT_EXECUTEONLYONCE`) on the event object, whose callback notifies the `Wakeup`: so a
//!   `SetEvent` made anywhere — another process holding the handle, or code beside wakepoll —
//!   reaches the `Poll` too. (`NtAssociateWaitCompletionPacket`, which would do this without a
//!   thread, is neither in windows-sys 0.61 nor in wine 8.0.)
//!
//! When the thread-pool wait is renewed. A wait on a set manual-reset object completes at
//! once, so renewing it while the object stays set would make the callback spin. It fires at
//! most once, and is renewed only where the object has just been cleared or the registration
//! asks for a fresh look:
//! * when this process consumes the signal — a successful `wait_once`, or `reset` — on any
//!   clone: all the registrations of the shared state are renewed, after the `ResetEvent`;
//! * on `register` and `reregister`.
//!
//! So the usual exchange always works: process A signals, B's `Poll` reports (the callback),
//! B consumes with `wait`/`reset` (renewed), A signals again, B's `Poll` reports again. What
//! is not covered: once B's wait has fired (on any signal, B's own included), a signal that
//! is consumed by another process (or reset by a raw `ResetEvent`) and then made again by
//! another process is not seen by B's `Poll` until B consumes, resets or re-registers the
//! Event itself. Let the process that polls an Event be the one that consumes it, and use one
//! Event per direction.
//!
//! A local `signal` and the callback it also triggers would notify twice; `notified` (per
//! registration, set by the first notification of a signalled spell and cleared when the wait
//! is renewed) lets the callback stay quiet when `signal` has notified already, so a local
//! signal is reported once.
//!
//! Invariants:
//! * `wait_once` makes at most one blocking call (`WaitForSingleObject`), its timeout rounded
//!   **up** to whole milliseconds; a signal that lands between the wait's return and its reset
//!   is consumed with it (signals before one wait count as one);
//! * each `SyncEvent` value (each clone) has at most one registration (the public layer's
//!   `Registration` enforces it); it is listed in `shared.watches` under its Wakeup, and both
//!   the list entry (with its thread-pool wait) and the selector's key go in `deregister`,
//!   before the handle closes;
//! * a `Watch`'s thread-pool wait (pool_wait.rs) keeps its `Target` alive for the callback,
//!   and the callback takes no lock, so the wait may be ended with the locks held;
//! * lock order: a value's `registered`, then the shared `watches`; the callback takes none.

use std::io;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use windows_sys::Win32::Foundation::{
    DuplicateHandle, SetHandleInformation, DUPLICATE_SAME_ACCESS, HANDLE, HANDLE_FLAG_INHERIT,
    WAIT_FAILED, WAIT_OBJECT_0, WAIT_TIMEOUT,
};
use windows_sys::Win32::System::Threading::{
    CreateEventW, GetCurrentProcess, ResetEvent, SetEvent, WaitForSingleObject,
};

use super::pool_wait::{Fired, PoolWait};
use super::timeout;
use super::wakeup::Wakeup;
use crate::sys::{Selector, Trigger};
use crate::{error, Interest, Token};

#[derive(Debug)]
pub(crate) struct SyncEvent {
    handle: OwnedHandle,
    shared: Arc<Shared>,
    /// This value's registration, if any: its Wakeup (the key of its entry in `shared.watches`).
    registered: Mutex<Option<Arc<Wakeup>>>,
}

/// What an Event and its clones share besides the event object.
#[derive(Debug, Default)]
struct Shared {
    watches: Mutex<Vec<Watch>>,
}

/// A registration: the thread-pool wait (pool_wait.rs) that notifies its Target.
#[derive(Debug)]
struct Watch {
    /// The handle of the clone that registered (borrowed: it deregisters before closing it).
    handle: HANDLE,
    wait: PoolWait<Target>,
}

// SAFETY: the handle is usable from any thread and only read; `wait` is Send.
unsafe impl Send for Watch {}

/// The context of a registration's thread-pool wait.
#[derive(Debug)]
struct Target {
    wakeup: Arc<Wakeup>,
    /// Whether the current signalled spell has been notified (by `signal` or the callback).
    notified: AtomicBool,
}

impl Target {
    /// Notifies the Wakeup unless this spell was notified already.
    fn notify_once(&self) -> io::Result<()> {
        if self.notified.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        self.wakeup.notify()
    }
}

impl Fired for Target {
    fn fired(&self) {
        let _ = self.notify_once();
    }
}

impl Watch {
    fn target(&self) -> &Arc<Target> {
        self.wait.target()
    }

    /// (Re)starts the one-shot thread-pool wait that notifies the target when the event object
    /// is set; if it is set already, the callback runs at once (and once).
    fn renew(&mut self) -> io::Result<()> {
        // Cleared only once the old wait's callback can no longer set it.
        self.wait.stop();
        self.target().notified.store(false, Ordering::Release);
        // SAFETY: the handle of the registered clone, which deregisters (dropping this Watch,
        // whose wait then ends) before it closes the handle.
        unsafe { self.wait.start(self.handle) }
    }
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

    /// Marks the handle inheritable, so that a process created afterwards with handle
    /// inheritance (Node's `spawn`, std's `Command`) has it at the same value.
    pub(crate) fn make_inheritable(&self) -> io::Result<()> {
        // SAFETY: the event handle is ours and open; only its inherit flag changes.
        if unsafe { SetHandleInformation(self.raw(), HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT) }
            == 0
        {
            return Err(error::last("SetHandleInformation"));
        }
        Ok(())
    }

    pub(crate) fn signal(&self) -> io::Result<()> {
        let watches = lock(&self.shared.watches);
        // Before the SetEvent: the callback it triggers then finds the spell notified.
        for watch in watches.iter() {
            watch.target().notified.store(true, Ordering::Release);
        }
        // SAFETY: the event handle is ours and open.
        if unsafe { SetEvent(self.raw()) } == 0 {
            return Err(error::last("SetEvent"));
        }
        for watch in watches.iter() {
            watch.target().wakeup.notify()?;
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

    /// Clears the event, then renews the thread-pool waits of this process's registrations
    /// (see the header: the object is clear now, so a renewed wait fires only on a new signal).
    pub(crate) fn reset(&self) -> io::Result<()> {
        let mut watches = lock(&self.shared.watches);
        // SAFETY: the event handle is ours and open.
        if unsafe { ResetEvent(self.raw()) } == 0 {
            return Err(error::last("ResetEvent"));
        }
        for watch in watches.iter_mut() {
            watch.renew()?;
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
        let mut watch = Watch {
            handle: self.raw(),
            wait: PoolWait::new(Arc::new(Target {
                wakeup: Arc::clone(&wakeup),
                notified: AtomicBool::new(false),
            })),
        };
        if let Err(err) = watch.renew() {
            selector.remove_wakeup(&wakeup);
            return Err(err);
        }
        let target = Arc::clone(watch.target());
        lock(&self.shared.watches).push(watch);
        *registered = Some(wakeup);
        drop(registered);
        // Like an epoll registration of a ready fd: an Event signalled already reports (now,
        // not only when the thread-pool callback comes).
        if trigger == Trigger::Edge && self.is_signalled_now() {
            target.notify_once()?;
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
        let mut watches = lock(&self.shared.watches);
        let Some(watch) = watches
            .iter_mut()
            .find(|w| Arc::ptr_eq(&w.target().wakeup, wakeup))
        else {
            return Ok(());
        };
        watch.renew()?;
        // Re-arm: an Event that is still signalled reports again.
        if trigger == Trigger::Edge && self.is_signalled_now() {
            watch.target().notify_once()?;
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

    /// Removes the registration's entry; its thread-pool wait ends as the entry drops.
    fn unwatch(&self, wakeup: &Arc<Wakeup>) {
        lock(&self.shared.watches).retain(|w| !Arc::ptr_eq(&w.target().wakeup, wakeup));
    }

    fn is_signalled_now(&self) -> bool {
        is_signalled(self.raw() as usize)
    }
}

impl Drop for SyncEvent {
    fn drop(&mut self) {
        // The public layer deregistered already if the selector is alive; a registration with
        // a selector that is gone is still listed among the clones' watches, and its wait must
        // end before the handle closes either way.
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
    // Every critical section here is a push, a retain, a take or a renewal (which keeps
    // `wait` accurate at every step): a poisoned lock still holds a consistent value.
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
