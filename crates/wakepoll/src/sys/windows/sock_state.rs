//! `SockState`: one registered socket's AFD poll — what it wants, what is pending in the
//! kernel, and the memory the kernel writes the answer to.
//!
//! Adapted from mio 1.2.5's `SockState` in `sys/windows/selector.rs` (MIT, Copyright (c) 2014
//! Carl Lerche and other MIO contributors), which follows wepoll. Changes: the registered
//! interests are kept apart from the armed ones, so that a re-arm after `WouldBlock` needs no
//! token or interests from the caller; errors carry the failing call.
//!
//! Invariants:
//! * a `SockState` lives in a `Pin<Arc<Mutex<_>>>`; while a poll is pending, one strong count
//!   is owned by the kernel (the `OVERLAPPED` pointer, `Arc::into_raw`) and given back when the
//!   completion is dequeued (`from_overlapped`). So the `IO_STATUS_BLOCK` and `AfdPollInfo`
//!   the kernel writes can never be freed or moved under it, whoever drops the socket;
//! * at most one poll per socket is pending; a change of interest that the pending poll does
//!   not cover cancels it (`NtCancelIoFileEx`) and the next update, after its completion,
//!   starts the new one;
//! * once `delete_pending`, no event is ever produced again (the deregister guarantee: even
//!   a completion already queued is dropped), and no new poll is started.

use std::ffi::c_void;
use std::io;
use std::marker::PhantomPinned;
use std::os::windows::io::RawSocket;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use windows_sys::Win32::Foundation::{HANDLE, STATUS_CANCELLED};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::afd::{self, Afd, AfdPollInfo};
use super::io_status_block::IoStatusBlock;
use super::selector::Event;
use crate::error;

/// The shared, pinned form every user of a `SockState` holds.
pub(crate) type SockRef = Pin<Arc<Mutex<SockState>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PollStatus {
    Idle,
    Pending,
    Cancelled,
}

#[derive(Debug)]
pub(crate) struct SockState {
    iosb: IoStatusBlock,
    poll_info: AfdPollInfo,
    afd: Arc<Afd>,
    base_socket: RawSocket,
    /// The AFD events the registration asks for (always with ABORT and CONNECT_FAIL).
    interests: u32,
    /// The events the next poll asks for: `interests` less those reported and not yet
    /// re-armed (edge emulation).
    user_evts: u32,
    /// The events the pending poll asks for.
    pending_evts: u32,
    token: usize,
    /// A raw socket's registration (`event::SourceRaw`): level-triggered, since wakepoll never
    /// sees its owner's `WouldBlock` that would re-arm an emulated edge.
    level: bool,
    poll_status: PollStatus,
    delete_pending: bool,
    /// Set when the last update failed: the socket stays in the update queue.
    failed: bool,
    _pinned: PhantomPinned,
}

impl SockState {
    pub(crate) fn new(socket: RawSocket, afd: Arc<Afd>) -> io::Result<SockState> {
        Ok(SockState {
            iosb: IoStatusBlock::zeroed(),
            poll_info: AfdPollInfo::zeroed(),
            afd,
            base_socket: super::net::base_socket(socket)?,
            interests: 0,
            user_evts: 0,
            pending_evts: 0,
            token: 0,
            level: false,
            poll_status: PollStatus::Idle,
            delete_pending: false,
            failed: false,
            _pinned: PhantomPinned,
        })
    }

    /// Sets token and interests (AFD bits); `true` if a poll must be started or replaced.
    pub(crate) fn set_interests(&mut self, flags: u32, token: usize) -> bool {
        // Aborts and failed connects are always reported, as mio does.
        self.interests = flags | afd::POLL_ABORT | afd::POLL_CONNECT_FAIL;
        self.user_evts = self.interests;
        self.token = token;
        self.user_evts & !self.pending_evts != 0
    }

    /// Makes the registration level-triggered: every poll asks for all its interests again.
    pub(crate) fn set_level(&mut self) {
        self.level = true;
    }

    /// Whether the registration is level-triggered (a raw socket's).
    pub(crate) fn is_level(&self) -> bool {
        self.level
    }

    /// Asks again for everything registered (after `WouldBlock`); `true` if the pending poll
    /// does not cover it.
    pub(crate) fn rearm(&mut self) -> bool {
        self.user_evts = self.interests;
        !self.delete_pending && self.user_evts & !self.pending_evts != 0
    }

    /// Starts, keeps or cancels the poll so that it asks for `user_evts`.
    pub(crate) fn update(&mut self, self_ref: &SockRef) -> io::Result<()> {
        debug_assert!(!self.delete_pending);
        self.failed = false;
        match self.poll_status {
            PollStatus::Pending => {
                if self.user_evts & afd::KNOWN_EVENTS & !self.pending_evts == 0 {
                    // The pending poll already covers everything; it may complete for an
                    // event no longer wanted, and the next one will ask for less.
                    return Ok(());
                }
                // It does not cover everything: cancel; its completion starts a new one.
                self.cancel().inspect_err(|_| self.failed = true)
            }
            // Waiting for the cancelled poll's completion.
            PollStatus::Cancelled => Ok(()),
            PollStatus::Idle => self.start_poll(self_ref),
        }
    }

    fn start_poll(&mut self, self_ref: &SockRef) -> io::Result<()> {
        self.poll_info.exclusive = 0;
        self.poll_info.number_of_handles = 1;
        self.poll_info.timeout = i64::MAX;
        self.poll_info.handles[0].handle = self.base_socket as HANDLE;
        self.poll_info.handles[0].status = 0;
        self.poll_info.handles[0].events = self.user_evts | afd::POLL_LOCAL_CLOSE;

        // The kernel's strong count, given back in `from_overlapped`.
        let overlapped = into_overlapped(self_ref.clone());
        // SAFETY: `poll_info` and `iosb` are fields of this pinned SockState, which the count
        // just handed to the kernel keeps alive and unmoved until the completion is dequeued.
        let result = unsafe {
            self.afd
                .poll(&mut self.poll_info, &mut *self.iosb, overlapped)
        };
        if let Err(err) = result {
            // No completion will come: take the kernel's count back.
            // SAFETY: `overlapped` came from `into_overlapped` just above and the kernel
            // refused it, so this is the one time it is taken back.
            drop(unsafe { from_overlapped(overlapped.cast()) });
            if error::errno(&err)
                == Some(windows_sys::Win32::Foundation::ERROR_INVALID_HANDLE as i32)
            {
                // The socket is closed already; it will be deregistered.
                self.mark_delete();
                return Ok(());
            }
            self.failed = true;
            return Err(err);
        }
        self.poll_status = PollStatus::Pending;
        self.pending_evts = self.user_evts;
        Ok(())
    }

    fn cancel(&mut self) -> io::Result<()> {
        debug_assert_eq!(self.poll_status, PollStatus::Pending);
        // SAFETY: a poll is pending, so `iosb` is the live block of a poll on `self.afd`.
        unsafe { self.afd.cancel(&mut *self.iosb)? };
        self.poll_status = PollStatus::Cancelled;
        self.pending_evts = 0;
        Ok(())
    }

    /// Takes in the completion of this socket's poll: the event to report, if any.
    pub(crate) fn feed_event(&mut self) -> Option<Event> {
        self.poll_status = PollStatus::Idle;
        self.pending_evts = 0;
        if self.delete_pending {
            return None;
        }
        // SAFETY: the completion was dequeued, so the kernel is done with the block; reading
        // the status variant of the union is what every completion sets.
        let status = unsafe { self.iosb.Anonymous.Status };
        let mut afd_events = if status == STATUS_CANCELLED {
            0
        } else if status < 0 {
            // The poll itself failed: report it as an error on the socket.
            afd::POLL_CONNECT_FAIL
        } else if self.poll_info.number_of_handles < 1 {
            0
        } else if self.poll_info.handles[0].events & afd::POLL_LOCAL_CLOSE != 0 {
            // The socket was closed under its registration.
            self.mark_delete();
            return None;
        } else {
            self.poll_info.handles[0].events
        };
        afd_events &= self.user_evts;
        if afd_events == 0 {
            return None;
        }
        // Edge emulation: not asked for again until `rearm` (a level registration asks again
        // at once, so a socket that is still ready is reported by the next poll too).
        if !self.level {
            self.user_evts &= !afd_events;
        }
        Some(Event::new(afd_events, self.token))
    }

    pub(crate) fn is_pending_deletion(&self) -> bool {
        self.delete_pending
    }

    pub(crate) fn failed(&self) -> bool {
        self.failed
    }

    /// Ends the registration: cancels the pending poll and produces no more events.
    pub(crate) fn mark_delete(&mut self) {
        if !self.delete_pending {
            if self.poll_status == PollStatus::Pending {
                // Best effort: should the cancel fail, the poll completes in its own time and
                // is dropped by `feed_event`.
                let _ = self.cancel();
            }
            self.delete_pending = true;
        }
    }
}

impl Drop for SockState {
    fn drop(&mut self) {
        self.mark_delete();
    }
}

/// Hands one strong count of `sock` to the kernel as the poll's `OVERLAPPED` pointer.
fn into_overlapped(sock: SockRef) -> *mut c_void {
    // SAFETY: the pointer is only ever turned back into the same `Pin<Arc<_>>` by
    // `from_overlapped`, so the pinning guarantee is kept.
    let ptr = Arc::into_raw(unsafe { Pin::into_inner_unchecked(sock) });
    ptr.cast_mut().cast()
}

/// Takes back the strong count `into_overlapped` gave away.
///
/// # Safety
///
/// `ptr` must come from `into_overlapped` (an AFD completion's `OVERLAPPED`), and be taken
/// back once.
pub(crate) unsafe fn from_overlapped(ptr: *mut OVERLAPPED) -> SockRef {
    // SAFETY: per the contract above, `ptr` is an `Arc::into_raw` of a pinned
    // `Mutex<SockState>` whose count has not been taken back yet.
    unsafe { Pin::new_unchecked(Arc::from_raw(ptr.cast_const().cast::<Mutex<SockState>>())) }
}
