//! `sync::Timer` on a Windows waitable timer (as crosvm's `Timer` on Windows).
//!
//! The timer object is manual-reset and one-shot: it is armed for the next due time of a
//! `Schedule`, which counts expirations by the clock (so the first delay and the period may
//! differ, and missed periods are counted). Consuming re-arms it, which also resets it.
//!
//! As a source: a `Poll` or `WaitContext` on Windows learns of readiness through completions
//! posted to its port, so a registered Timer keeps a one-shot thread-pool wait
//! (`RegisterWaitForSingleObject`) on its timer object, whose callback notifies the
//! registration's `Wakeup` (which reports only while the timer object is signalled, that is
//! fired and not consumed). The wait is renewed whenever the timer is armed again.
//!
//! Invariants:
//! * `take` (under the schedule's lock) consumes the due times up to now and re-arms the
//!   timer for the next one, or disarms it; a timer object that was signalled early yields
//!   nothing and is re-armed for the rest, so the timer is never early;
//! * `wait_once` makes at most one blocking call (`WaitForSingleObject`), its timeout rounded
//!   **up** to whole milliseconds;
//! * the thread-pool wait (pool_wait.rs) keeps the registration's `Wakeup` alive for its
//!   callback, which takes no lock; the lock order is schedule, then registration.

use std::io;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::ptr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use windows_sys::Win32::Foundation::{HANDLE, WAIT_FAILED, WAIT_OBJECT_0, WAIT_TIMEOUT};
use windows_sys::Win32::System::Threading::{
    CancelWaitableTimer, CreateWaitableTimerW, SetWaitableTimer, WaitForSingleObject,
};

use super::pool_wait::{Fired, PoolWait};
use super::wakeup::Wakeup;

use super::timeout;
use crate::sys::schedule::Schedule;
use crate::sys::{Selector, Trigger};
use crate::{error, Interest, Token};

#[derive(Debug)]
pub(crate) struct Timer {
    handle: OwnedHandle,
    schedule: Mutex<Schedule>,
    /// The registration, if any: its Wakeup, notified by a thread-pool wait on the timer.
    registered: Mutex<Option<PoolWait<Wakeup>>>,
}

impl Fired for Wakeup {
    fn fired(&self) {
        let _ = self.notify();
    }
}

impl Timer {
    pub(crate) fn new() -> io::Result<Timer> {
        // SAFETY: no security attributes, manual reset, no name.
        let handle = unsafe { CreateWaitableTimerW(ptr::null(), 1, ptr::null()) };
        if handle.is_null() {
            return Err(error::last("CreateWaitableTimerW"));
        }
        Ok(Timer {
            // SAFETY: `handle` was just returned by CreateWaitableTimerW; nothing else owns it.
            handle: unsafe { OwnedHandle::from_raw_handle(handle) },
            schedule: Mutex::default(),
            registered: Mutex::new(None),
        })
    }

    fn raw(&self) -> HANDLE {
        self.handle.as_raw_handle()
    }

    pub(crate) fn reset(&self, delay: Duration, interval: Option<Duration>) -> io::Result<()> {
        let mut schedule = self.lock();
        schedule.set(Instant::now(), delay, interval);
        self.arm(delay)
    }

    pub(crate) fn clear(&self) -> io::Result<()> {
        let mut schedule = self.lock();
        schedule.clear();
        self.disarm()
    }

    fn take(&self) -> io::Result<u64> {
        let mut schedule = self.lock();
        let now = Instant::now();
        let count = schedule.take(now);
        // SAFETY: our open timer handle; a zero timeout never blocks, and on a manual-reset
        // timer a satisfied wait changes nothing.
        let signalled = unsafe { WaitForSingleObject(self.raw(), 0) } == WAIT_OBJECT_0;
        if count > 0 || signalled {
            match schedule.until_next(now) {
                Some(rest) => self.arm(rest)?,
                None => self.disarm()?,
            }
        }
        Ok(count)
    }

    pub(crate) fn wait_once(&self, timeout: Option<Duration>) -> io::Result<u64> {
        let count = self.take()?;
        if count > 0 || timeout == Some(Duration::ZERO) {
            return Ok(count);
        }
        // SAFETY: our open timer handle.
        match unsafe { WaitForSingleObject(self.raw(), timeout::to_ms(timeout)) } {
            WAIT_OBJECT_0 => self.take(),
            WAIT_TIMEOUT => Ok(0),
            WAIT_FAILED => Err(error::last("WaitForSingleObject")),
            other => Err(error::from_errno("WaitForSingleObject", other as i32)),
        }
    }

    /// Arms the timer to be signalled `after` from now; setting it also resets it.
    fn arm(&self, after: Duration) -> io::Result<()> {
        // Relative due times are negative, in 100 ns units, rounded up.
        let units = after.as_nanos().div_ceil(100).max(1);
        let due = -i64::try_from(units).unwrap_or(i64::MAX);
        // SAFETY: our open timer handle, a live due time, no period, no completion routine.
        if unsafe { SetWaitableTimer(self.raw(), &due, 0, None, ptr::null(), 0) } == 0 {
            return Err(error::last("SetWaitableTimer"));
        }
        // A registration's wait fired at most once: renew it for this arming.
        let mut registered = lock(&self.registered);
        if let Some(watch) = registered.as_mut() {
            self.watch(watch)?;
        }
        Ok(())
    }

    /// (Re)starts the one-shot thread-pool wait that notifies the registration's Wakeup when
    /// the timer object is signalled.
    fn watch(&self, watch: &mut PoolWait<Wakeup>) -> io::Result<()> {
        // SAFETY: our timer handle, open until drop, which ends the wait first.
        unsafe { watch.start(self.raw()) }
    }

    /// Resets and stops the timer (cancelling alone would leave a signalled one signalled).
    fn disarm(&self) -> io::Result<()> {
        self.arm(Duration::from_secs(i32::MAX as u64))?;
        // SAFETY: our open timer handle.
        if unsafe { CancelWaitableTimer(self.raw()) } == 0 {
            return Err(error::last("CancelWaitableTimer"));
        }
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Schedule> {
        // Held across non-blocking system calls only; a poisoned lock holds a valid schedule.
        self.schedule.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn register(
        &self,
        selector: &Selector,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        check_interests(interests)?;
        let _schedule = self.lock();
        let mut registered = lock(&self.registered);
        // One left behind by a Poll that was dropped while this Timer was registered: dropping
        // it ends its wait.
        registered.take();
        let mut watch =
            PoolWait::new(selector.add_wakeup(token, trigger, Some(self.raw() as usize)));
        if let Err(err) = self.watch(&mut watch) {
            selector.remove_wakeup(watch.target());
            return Err(err);
        }
        *registered = Some(watch);
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
        let _schedule = self.lock();
        let mut registered = lock(&self.registered);
        let Some(watch) = registered.as_mut() else {
            return Err(error::with_message(
                super::selector::SELECTOR_CTL,
                super::ENOENT,
                "not registered",
            ));
        };
        let wakeup = watch.target();
        wakeup.set_token(token);
        // Re-arm: a timer that has fired and was not consumed reports again.
        if trigger == Trigger::Edge && wakeup.is_signalled() {
            wakeup.notify()?;
        }
        Ok(())
    }

    pub(crate) fn deregister(&self, selector: &Selector) -> io::Result<()> {
        if let Some(mut watch) = lock(&self.registered).take() {
            watch.stop();
            selector.remove_wakeup(watch.target());
        }
        Ok(())
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        // The public layer deregistered already if the selector is alive; the wait must end
        // before the timer handle closes either way (dropping it ends it).
        lock(&self.registered).take();
    }
}

fn check_interests(interests: Interest) -> io::Result<()> {
    if interests.is_aio() || interests.is_lio() || interests.is_priority() {
        return Err(error::with_message(
            super::selector::SELECTOR_CTL,
            windows_sys::Win32::Foundation::ERROR_NOT_SUPPORTED as i32,
            "a Timer is only ever readable",
        ));
    }
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here is short and leaves a consistent value: a poisoned lock
    // still holds one.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
