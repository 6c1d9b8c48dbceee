//! `\Device\Afd`: the winsock driver, asked for socket readiness with `IOCTL_AFD_POLL`, and the
//! poll groups that share its handles.
//!
//! Adapted from mio 1.2.5's `sys/windows/afd.rs` and the `AfdGroup` of its `selector.rs` (MIT,
//! Copyright (c) 2014 Carl Lerche and other MIO contributors), which follow wepoll.
//!
//! Invariants:
//! * each `Afd` is one handle to `\Device\Afd`, associated with the selector's completion port
//!   (key 0: AFD completions are told apart by their non-null `OVERLAPPED`) and opened with
//!   `FILE_SKIP_SET_EVENT_ON_HANDLE`; up to `POLL_GROUP_SIZE` sockets share one;
//! * `poll` hands the kernel pointers into a pinned `SockState` (its `IO_STATUS_BLOCK` and
//!   `AfdPollInfo`); the caller keeps that memory alive and unmoved until the completion is
//!   dequeued (see `sock_state.rs`). `cancel` only asks; the completion still comes.

use std::ffi::c_void;
use std::fmt;
use std::io;
use std::mem::{size_of, zeroed};
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::ptr;
use std::sync::{Arc, Mutex};

use windows_sys::Wdk::Foundation::OBJECT_ATTRIBUTES;
use windows_sys::Wdk::Storage::FileSystem::{NtCancelIoFileEx, NtCreateFile, FILE_OPEN};
use windows_sys::Wdk::System::IO::NtDeviceIoControlFile;
use windows_sys::Win32::Foundation::{
    RtlNtStatusToDosError, HANDLE, INVALID_HANDLE_VALUE, NTSTATUS, STATUS_NOT_FOUND,
    STATUS_PENDING, STATUS_SUCCESS, UNICODE_STRING,
};
use windows_sys::Win32::Storage::FileSystem::{
    SetFileCompletionNotificationModes, FILE_SHARE_READ, FILE_SHARE_WRITE, SYNCHRONIZE,
};
use windows_sys::Win32::System::WindowsProgramming::FILE_SKIP_SET_EVENT_ON_HANDLE;
use windows_sys::Win32::System::IO::{IO_STATUS_BLOCK, IO_STATUS_BLOCK_0};

use super::iocp::CompletionPort;
use crate::error;

const IOCTL_AFD_POLL: u32 = 0x0001_2024;

// The AFD_POLL_* event bits (wepoll's names).
pub(crate) const POLL_RECEIVE: u32 = 0b0_0000_0001;
pub(crate) const POLL_RECEIVE_EXPEDITED: u32 = 0b0_0000_0010;
pub(crate) const POLL_SEND: u32 = 0b0_0000_0100;
pub(crate) const POLL_DISCONNECT: u32 = 0b0_0000_1000;
pub(crate) const POLL_ABORT: u32 = 0b0_0001_0000;
pub(crate) const POLL_LOCAL_CLOSE: u32 = 0b0_0010_0000;
/// Not asked for: AFD reports it on every poll of a connected socket, not once.
pub(crate) const POLL_CONNECT: u32 = 0b0_0100_0000;
pub(crate) const POLL_ACCEPT: u32 = 0b0_1000_0000;
pub(crate) const POLL_CONNECT_FAIL: u32 = 0b1_0000_0000;

/// Every bit wakepoll asks for or understands.
pub(crate) const KNOWN_EVENTS: u32 = POLL_RECEIVE
    | POLL_RECEIVE_EXPEDITED
    | POLL_SEND
    | POLL_DISCONNECT
    | POLL_ABORT
    | POLL_LOCAL_CLOSE
    | POLL_ACCEPT
    | POLL_CONNECT_FAIL;

/// How many sockets share one `\Device\Afd` handle (mio's and wepoll's choice).
const POLL_GROUP_SIZE: usize = 32;

/// The `AFD_POLL_HANDLE_INFO` of one socket.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct AfdPollHandleInfo {
    pub(crate) handle: HANDLE,
    pub(crate) events: u32,
    pub(crate) status: NTSTATUS,
}

// SAFETY: `handle` is a socket's base handle used as a number by the kernel; nothing here
// dereferences it, so moving it between threads is sound.
unsafe impl Send for AfdPollHandleInfo {}

/// The `AFD_POLL_INFO` the kernel reads the request from and writes the result to.
#[repr(C)]
pub(crate) struct AfdPollInfo {
    pub(crate) timeout: i64,
    /// Always 1: one socket per poll.
    pub(crate) number_of_handles: u32,
    pub(crate) exclusive: u32,
    pub(crate) handles: [AfdPollHandleInfo; 1],
}

impl AfdPollInfo {
    pub(crate) fn zeroed() -> AfdPollInfo {
        // SAFETY: AfdPollInfo is plain C data (integers and a handle); all zeroes is valid.
        unsafe { zeroed() }
    }
}

impl fmt::Debug for AfdPollInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AfdPollInfo").finish()
    }
}

/// One handle to `\Device\Afd`, associated with a completion port.
#[derive(Debug)]
pub(crate) struct Afd {
    handle: OwnedHandle,
}

/// `\Device\Afd\Wakepoll`: AFD ignores the part after `\Device\Afd`; it names the opener in
/// handle listings.
const AFD_NAME: &[u16] = &[
    b'\\' as u16,
    b'D' as u16,
    b'e' as u16,
    b'v' as u16,
    b'i' as u16,
    b'c' as u16,
    b'e' as u16,
    b'\\' as u16,
    b'A' as u16,
    b'f' as u16,
    b'd' as u16,
    b'\\' as u16,
    b'W' as u16,
    b'a' as u16,
    b'k' as u16,
    b'e' as u16,
    b'p' as u16,
    b'o' as u16,
    b'l' as u16,
    b'l' as u16,
];

impl Afd {
    /// Opens `\Device\Afd` and associates it with `port`.
    fn new(port: &CompletionPort) -> io::Result<Afd> {
        let bytes = std::mem::size_of_val(AFD_NAME) as u16;
        let name = UNICODE_STRING {
            Length: bytes,
            MaximumLength: bytes,
            Buffer: AFD_NAME.as_ptr().cast_mut(),
        };
        let attributes = OBJECT_ATTRIBUTES {
            Length: size_of::<OBJECT_ATTRIBUTES>() as u32,
            RootDirectory: ptr::null_mut(),
            ObjectName: &name,
            Attributes: 0,
            SecurityDescriptor: ptr::null(),
            SecurityQualityOfService: ptr::null(),
        };
        let mut handle: HANDLE = INVALID_HANDLE_VALUE;
        let mut iosb = IO_STATUS_BLOCK {
            Anonymous: IO_STATUS_BLOCK_0 { Status: 0 },
            Information: 0,
        };
        // SAFETY: every pointer is to a live local (the name's buffer is static); the kernel
        // only reads the name and attributes and writes `handle` and `iosb`.
        let status = unsafe {
            NtCreateFile(
                &mut handle,
                SYNCHRONIZE,
                &attributes,
                &mut iosb,
                ptr::null(),
                0,
                FILE_SHARE_READ | FILE_SHARE_WRITE,
                FILE_OPEN,
                0,
                ptr::null(),
                0,
            )
        };
        if status != STATUS_SUCCESS {
            return Err(nt_error("NtCreateFile", status));
        }
        // SAFETY: NtCreateFile succeeded, so `handle` is a new handle nothing else owns.
        let afd = Afd {
            handle: unsafe { OwnedHandle::from_raw_handle(handle) },
        };
        port.add_handle(0, afd.raw())?;
        // SAFETY: `afd.raw()` is open. The completion port gets every completion; skipping
        // the event on the handle saves the kernel a SetEvent nobody waits for.
        let ok = unsafe {
            SetFileCompletionNotificationModes(afd.raw(), FILE_SKIP_SET_EVENT_ON_HANDLE as u8)
        };
        if ok == 0 {
            return Err(error::last("SetFileCompletionNotificationModes"));
        }
        Ok(afd)
    }

    fn raw(&self) -> HANDLE {
        self.handle.as_raw_handle()
    }

    /// Starts a poll. `Ok(())` when it is pending or already done: either way its completion
    /// will be queued on the port, with `overlapped` as the `OVERLAPPED` pointer.
    ///
    /// # Safety
    ///
    /// `info` and `iosb` must stay valid and unmoved, and not be touched except through
    /// [`cancel`](Afd::cancel), until the completion is dequeued; `overlapped` is passed
    /// through untouched.
    pub(crate) unsafe fn poll(
        &self,
        info: *mut AfdPollInfo,
        iosb: *mut IO_STATUS_BLOCK,
        overlapped: *mut c_void,
    ) -> io::Result<()> {
        // SAFETY: the caller guarantees `iosb` is valid; STATUS_PENDING marks it as in use
        // until the kernel writes the final status.
        unsafe { (*iosb).Anonymous.Status = STATUS_PENDING };
        let size = size_of::<AfdPollInfo>() as u32;
        // SAFETY: the caller guarantees `info` and `iosb` outlive the operation; the AFD
        // handle is ours.
        let status = unsafe {
            NtDeviceIoControlFile(
                self.raw(),
                ptr::null_mut(),
                None,
                overlapped,
                iosb,
                IOCTL_AFD_POLL,
                info.cast(),
                size,
                info.cast(),
                size,
            )
        };
        match status {
            STATUS_SUCCESS | STATUS_PENDING => Ok(()),
            _ => Err(nt_error("NtDeviceIoControlFile", status)),
        }
    }

    /// Asks the kernel to end a pending poll early; its completion (`STATUS_CANCELLED`) still
    /// comes through the port. A poll that already finished is left alone.
    ///
    /// # Safety
    ///
    /// `iosb` must be the block of a poll started on this `Afd` whose completion has not been
    /// dequeued yet.
    pub(crate) unsafe fn cancel(&self, iosb: *mut IO_STATUS_BLOCK) -> io::Result<()> {
        // SAFETY: the caller guarantees `iosb` is the live block of our poll.
        if unsafe { (*iosb).Anonymous.Status } != STATUS_PENDING {
            return Ok(());
        }
        let mut cancel_iosb = IO_STATUS_BLOCK {
            Anonymous: IO_STATUS_BLOCK_0 { Status: 0 },
            Information: 0,
        };
        // SAFETY: the AFD handle is ours; `iosb` identifies the request; `cancel_iosb` is a
        // live local the call completes synchronously into.
        let status = unsafe { NtCancelIoFileEx(self.raw(), iosb, &mut cancel_iosb) };
        if status == STATUS_SUCCESS || status == STATUS_NOT_FOUND {
            return Ok(());
        }
        Err(nt_error("NtCancelIoFileEx", status))
    }
}

/// An `NTSTATUS` failure as the Windows error it corresponds to.
fn nt_error(syscall: &'static str, status: NTSTATUS) -> io::Error {
    // SAFETY: a pure conversion of a status code.
    let code = unsafe { RtlNtStatusToDosError(status) };
    error::from_errno(syscall, code as i32)
}

/// The `\Device\Afd` handles of one selector; sockets share them `POLL_GROUP_SIZE` at a time.
#[derive(Debug)]
pub(crate) struct AfdGroup {
    port: Arc<CompletionPort>,
    afds: Mutex<Vec<Arc<Afd>>>,
}

impl AfdGroup {
    pub(crate) fn new(port: Arc<CompletionPort>) -> AfdGroup {
        AfdGroup {
            port,
            afds: Mutex::new(Vec::new()),
        }
    }

    /// An AFD handle with room for one more socket.
    pub(crate) fn acquire(&self) -> io::Result<Arc<Afd>> {
        let mut afds = self.afds.lock().unwrap_or_else(|e| e.into_inner());
        // One count is the group's own; the rest are sockets.
        match afds.last() {
            Some(afd) if Arc::strong_count(afd) <= POLL_GROUP_SIZE => Ok(Arc::clone(afd)),
            _ => {
                let afd = Arc::new(Afd::new(&self.port)?);
                afds.push(Arc::clone(&afd));
                Ok(afd)
            }
        }
    }

    /// Closes the handles no socket uses any more.
    pub(crate) fn release_unused(&self) {
        let mut afds = self.afds.lock().unwrap_or_else(|e| e.into_inner());
        afds.retain(|afd| Arc::strong_count(afd) > 1);
    }
}
