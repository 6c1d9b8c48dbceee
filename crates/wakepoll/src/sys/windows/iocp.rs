//! The I/O completion port: the one kernel queue a `Selector` waits on.
//!
//! Adapted from mio 1.2.5's `sys/windows/iocp.rs` (MIT, Copyright (c) 2014 Carl Lerche and
//! other MIO contributors): `std::os::windows::io::OwnedHandle` replaces mio's `Handle`, and
//! errors name their call.
//!
//! Invariants:
//! * the port handle is owned here and closed when the last `Arc<CompletionPort>` goes (the
//!   selector, and the Wakers and `sync::Event` registrations that post to it);
//! * completions with a null `OVERLAPPED` are wakepoll's own posts (Wakers, Events), keyed by
//!   a per-registration key; completions with an `OVERLAPPED` are AFD polls (see
//!   `sock_state.rs`).

use std::io;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::ptr;

use windows_sys::Win32::Foundation::{HANDLE, INVALID_HANDLE_VALUE, WAIT_TIMEOUT};
use windows_sys::Win32::System::IO::{
    CreateIoCompletionPort, GetQueuedCompletionStatusEx, PostQueuedCompletionStatus,
    OVERLAPPED_ENTRY,
};

use crate::error;

/// One completion, as `GetQueuedCompletionStatusEx` fills it.
pub(crate) type CompletionStatus = OVERLAPPED_ENTRY;

/// An empty completion, to fill a buffer with.
pub(crate) fn zero_status() -> CompletionStatus {
    OVERLAPPED_ENTRY {
        lpCompletionKey: 0,
        lpOverlapped: ptr::null_mut(),
        Internal: 0,
        dwNumberOfBytesTransferred: 0,
    }
}

#[derive(Debug)]
pub(crate) struct CompletionPort {
    handle: OwnedHandle,
}

impl CompletionPort {
    pub(crate) fn new() -> io::Result<CompletionPort> {
        // SAFETY: creating a new port takes no pointers; 0 threads means "one per CPU".
        let port = unsafe { CreateIoCompletionPort(INVALID_HANDLE_VALUE, ptr::null_mut(), 0, 0) };
        if port.is_null() {
            return Err(error::last("CreateIoCompletionPort"));
        }
        Ok(CompletionPort {
            // SAFETY: `port` was just returned by CreateIoCompletionPort and nothing else owns
            // it.
            handle: unsafe { OwnedHandle::from_raw_handle(port) },
        })
    }

    pub(crate) fn raw(&self) -> HANDLE {
        self.handle.as_raw_handle()
    }

    /// Associates `handle` with the port: its overlapped I/O completes here with `key`.
    pub(crate) fn add_handle(&self, key: usize, handle: HANDLE) -> io::Result<()> {
        // SAFETY: `handle` is open for the length of the call (the caller owns it), and the
        // port handle is ours.
        let ret = unsafe { CreateIoCompletionPort(handle, self.raw(), key, 0) };
        if ret.is_null() {
            return Err(error::last("CreateIoCompletionPort"));
        }
        Ok(())
    }

    /// Dequeues up to `list.len()` completions, waiting at most `timeout_ms` (`INFINITE`:
    /// forever). A timeout is `Ok` with no completion.
    pub(crate) fn get_many<'a>(
        &self,
        list: &'a mut [CompletionStatus],
        timeout_ms: u32,
    ) -> io::Result<&'a [CompletionStatus]> {
        let mut removed = 0u32;
        let len = u32::try_from(list.len()).unwrap_or(u32::MAX);
        // SAFETY: `list` is writable for `len` entries, `removed` for one u32; both live
        // across the call. Not alertable: no APC runs inside.
        let ok = unsafe {
            GetQueuedCompletionStatusEx(
                self.raw(),
                list.as_mut_ptr(),
                len,
                &mut removed,
                timeout_ms,
                0,
            )
        };
        if ok == 0 {
            let err = error::last("GetQueuedCompletionStatusEx");
            if error::errno(&err) == Some(WAIT_TIMEOUT as i32) {
                return Ok(&[]);
            }
            return Err(err);
        }
        Ok(&list[..removed as usize])
    }

    /// Posts a completion with `key` and no `OVERLAPPED`: never blocks.
    pub(crate) fn post(&self, key: usize) -> io::Result<()> {
        // SAFETY: the port handle is ours; a null OVERLAPPED is passed through untouched.
        let ok = unsafe { PostQueuedCompletionStatus(self.raw(), 0, key, ptr::null_mut()) };
        if ok == 0 {
            return Err(error::last("PostQueuedCompletionStatus"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_come_back_with_their_keys_and_a_timeout_is_empty() {
        let port = CompletionPort::new().unwrap();
        port.post(3).unwrap();
        port.post(5).unwrap();
        let mut list = [zero_status(); 4];
        let got: Vec<usize> = port
            .get_many(&mut list, 0)
            .unwrap()
            .iter()
            .map(|s| s.lpCompletionKey)
            .collect();
        assert_eq!(got, vec![3, 5]);
        assert!(port.get_many(&mut list, 1).unwrap().is_empty());
    }
}
