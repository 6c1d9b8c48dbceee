//! `Event`: crosvm's wait/notify event — any number of signallers, one waiter at a time.
//!
//! Invariants:
//! * the one-waiter guard is one `AtomicBool` shared (through an `Arc`) by an Event and all
//!   its clones (`wait::Waiting`: a second concurrent waiter gets `EBUSY` at once);
//! * the retry loop is `wait::retry_until`, as in `Poll::poll`: `EINTR` is retried with the
//!   time that remains, and `TimedOut` is returned only once the deadline has passed, so a
//!   wait is never shorter than asked;
//! * each Event value (each clone) has its own [`Registration`]: it is watched by one `Poll` or
//!   one `WaitContext` at a time, and `Drop` ends that registration before the fd closes.

use std::io;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::wait::{retry_until, Waiting};
use crate::event::{registered_source_impls, Registration};
use crate::sys;

/// An event that threads signal and one thread at a time waits for — crosvm's `Event`.
///
/// [`signal`](Event::signal) may be called from any number of threads; [`wait`](Event::wait)
/// blocks until the event is signalled, then clears it, so several signals before one wait
/// are consumed together. [`try_clone`](Event::try_clone) gives another `Event` for the same
/// signal (to move into another thread).
///
/// **One waiter at a time.** Where crosvm leaves concurrent waits undefined, a second thread
/// that waits while another is waiting — on this Event or on any of its clones — gets an error
/// of kind [`ResourceBusy`](io::ErrorKind::ResourceBusy) (code `EBUSY`) at once.
///
/// An `Event` is also an [`event::Source`](crate::event::Source): a [`Poll`](crate::Poll)
/// reports it readable when it is signalled (edge-triggered, like every `Poll` registration:
/// a new signal after the event was collected reports again; the Poll does not clear the
/// signal). A [`WaitContext`](crate::sync::WaitContext) watches it level-triggered. Each
/// `Event` value belongs to one `Poll` or `WaitContext` at a time — registering it with a
/// second one is an `AlreadyExists` error (`EEXIST`); to watch the same signal in two places,
/// register two clones.
///
/// On Linux it is an eventfd, on macOS and FreeBSD an unlinked FIFO that holds bytes while the
/// event is signalled; every clone has its own file descriptor. On Windows it is a manual-reset
/// event object, and every clone has its own duplicate handle; a `Poll` or `WaitContext` there
/// learns of the signals made through wakepoll (not of a `SetEvent` on the raw handle by other
/// code).
///
/// ```
/// use std::thread;
/// use std::time::Duration;
/// use wakepoll::sync::{Event, EventWaitResult};
///
/// let event = Event::new()?;
/// let remote = event.try_clone()?;
/// let t = thread::spawn(move || remote.signal().expect("signal"));
/// event.wait()?;
/// t.join().unwrap();
/// assert_eq!(event.wait_timeout(Duration::ZERO)?, EventWaitResult::TimedOut);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Event {
    inner: sys::SyncEvent,
    waiter: Arc<AtomicBool>,
    registration: Registration,
}

/// How [`Event::wait_timeout`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventWaitResult {
    /// The event was signalled; the wait cleared it.
    Signaled,
    /// The timeout passed first; the event was not signalled.
    TimedOut,
}

impl Event {
    /// Creates an event that is not signalled.
    pub fn new() -> io::Result<Event> {
        Ok(Event::from_sys(sys::SyncEvent::new()?))
    }

    /// Signals the event: the waiter (now or next) returns. Never blocks; any thread may
    /// signal, any number of times (signals before one wait count as one).
    pub fn signal(&self) -> io::Result<()> {
        self.inner.signal()
    }

    /// Blocks until the event is signalled, then clears the signal.
    ///
    /// `ResourceBusy` (`EBUSY`) if another thread is waiting on this event or a clone.
    pub fn wait(&self) -> io::Result<()> {
        self.wait_until(None).map(drop)
    }

    /// Like [`wait`](Event::wait), but gives up after `timeout`.
    ///
    /// Never returns [`TimedOut`](EventWaitResult::TimedOut) early: the OS's coarser
    /// resolution rounds up, and an interrupted wait resumes with the time that remains. A
    /// zero timeout does not block, but still consumes a signal that is there.
    pub fn wait_timeout(&self, timeout: Duration) -> io::Result<EventWaitResult> {
        // A timeout too large for the clock waits forever.
        self.wait_until(Instant::now().checked_add(timeout))
    }

    /// Clears the signal without blocking; does nothing if the event is not signalled.
    ///
    /// Any thread may reset, also while another one waits (that wait then goes on waiting).
    pub fn reset(&self) -> io::Result<()> {
        self.inner.reset()
    }

    /// Another `Event` for the same signal: a signal on either is seen by a wait on either,
    /// and the one-waiter rule covers them all.
    ///
    /// The clone is a separate source: it is registered nowhere, and may be registered with a
    /// `Poll` or `WaitContext` of its own.
    pub fn try_clone(&self) -> io::Result<Event> {
        Ok(Event {
            inner: self.inner.try_clone()?,
            waiter: Arc::clone(&self.waiter),
            registration: Registration::new(),
        })
    }

    /// The Event's own handle as a source another readiness loop can watch (readable while
    /// signalled; each clone has its own), or `None` where it is not one (an event object on
    /// Windows). Reading it directly bypasses the one-waiter rule: prefer
    /// [`wait`](Event::wait).
    pub fn as_pollable(&self) -> Option<crate::event::RawSource> {
        sys::pollable_sync_event(&self.inner)
    }

    /// The number that names this Event's descriptor for another process: the eventfd on
    /// Linux, the event object's handle value on Windows, the FIFO's fd on macOS and FreeBSD.
    ///
    /// To hand the Event to a child process, pass this descriptor down (in `Command`'s fds, a
    /// Node `spawn`'s `stdio` array, over a Unix socket with `SCM_RIGHTS`, or as an
    /// inheritable or duplicated handle on Windows: see
    /// [`inheritable_descriptor`](Event::inheritable_descriptor)) and adopt it there with
    /// [`from_raw_descriptor`](Event::from_raw_descriptor). Each clone has its own.
    pub fn as_raw_descriptor(&self) -> i64 {
        sys::sync_event_descriptor(&self.inner)
    }

    /// [`as_raw_descriptor`](Event::as_raw_descriptor), ready to be inherited by a child
    /// process created after this call. On Windows the handle is marked inheritable
    /// (`HANDLE_FLAG_INHERIT`): every process created afterwards with handle inheritance (std's
    /// `Command`, Node's `spawn`) has it at the same value, which the child is told (argv, env)
    /// and adopts with [`from_raw_descriptor`](Event::from_raw_descriptor). On Unix nothing
    /// changes: an fd crosses in the child's fd list (`Command`'s stdio, Node's `stdio` array),
    /// which clears close-on-exec for that child only.
    pub fn inheritable_descriptor(&self) -> io::Result<i64> {
        sys::sync_event_inheritable_descriptor(&self.inner)
    }

    /// Adopts the descriptor of an Event made in another process (see
    /// [`as_raw_descriptor`](Event::as_raw_descriptor)): a signal in either process is seen by
    /// a wait, a `Poll` or a `WaitContext` in the other. (On Windows a `Poll` or `WaitContext`
    /// learns of another process's signal through a thread-pool wait that is renewed when its
    /// own process consumes the signal: let the process that polls an Event be the one that
    /// consumes it; see `sys/windows/sync_event.rs`.)
    ///
    /// The descriptor is checked first, and left alone when the check fails: a closed or
    /// negative fd is `EBADF`, an fd that is not an eventfd (Linux) or not a FIFO opened
    /// read-write (macOS, FreeBSD) `EINVAL`; a handle that is not open `ERROR_INVALID_HANDLE`
    /// (Windows).
    ///
    /// # Safety
    ///
    /// When it succeeds the descriptor belongs to the Event, which closes it when dropped:
    /// the caller must own it and not use or close it afterwards (`FromRawFd`'s contract).
    pub unsafe fn from_raw_descriptor(raw: i64) -> io::Result<Event> {
        // SAFETY: the caller's contract is the one adopt_sync_event asks for.
        Ok(Event::from_sys(unsafe { sys::adopt_sync_event(raw)? }))
    }

    /// An Event around a backend event (a new, adopted or unwrapped one).
    pub(crate) fn from_sys(inner: sys::SyncEvent) -> Event {
        Event {
            inner,
            waiter: Arc::new(AtomicBool::new(false)),
            registration: Registration::new(),
        }
    }

    /// Ends the registration and gives the backend event up: for `IntoRawFd` /
    /// `IntoRawHandle`.
    pub(crate) fn into_sys(self) -> sys::SyncEvent {
        self.registration
            .clear(|selector| self.inner.deregister(selector));
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped nor used again, so each field is moved out exactly
        // once: `inner` is returned, the others are dropped here.
        unsafe {
            drop(std::ptr::read(&this.waiter));
            drop(std::ptr::read(&this.registration));
            std::ptr::read(&this.inner)
        }
    }

    pub(crate) fn sys(&self) -> &sys::SyncEvent {
        &self.inner
    }

    fn wait_until(&self, deadline: Option<Instant>) -> io::Result<EventWaitResult> {
        let _waiting = Waiting::enter(
            &self.waiter,
            "another thread is already waiting on this event",
        )?;
        let signalled = retry_until(deadline, |remaining| self.inner.wait_once(remaining))?;
        Ok(if signalled {
            EventWaitResult::Signaled
        } else {
            EventWaitResult::TimedOut
        })
    }
}

impl Drop for Event {
    fn drop(&mut self) {
        // End the registration while the fd is still ours: a clone's dup would keep it alive.
        self.registration
            .clear(|selector| self.inner.deregister(selector));
    }
}

registered_source_impls!(
    /// Registers the Event with a `Poll`: readable when signalled, edge-triggered.
    ///
    /// Registering it with a second `Poll` (or while it is in a `WaitContext`) is an
    /// `AlreadyExists` error (`EEXIST`, "already registered"); `reregister`/`deregister` with
    /// a `Poll` it is not registered with is `NotFound` (`ENOENT`) when it is registered
    /// nowhere, `AlreadyExists` (`EEXIST`) when it is registered elsewhere.
    Event
);
