//! `IoStatusBlock`: the `IO_STATUS_BLOCK` the kernel writes when an AFD poll completes.
//!
//! Adapted from mio 1.2.5's `sys/windows/io_status_block.rs` (MIT, Copyright (c) 2014 Carl
//! Lerche and other MIO contributors).
//!
//! It lives inside a pinned `SockState` (see `sock_state.rs`) for as long as the kernel may
//! write it; this type only makes it `Send` and printable.

use std::fmt;
use std::ops::{Deref, DerefMut};

use windows_sys::Win32::System::IO::{IO_STATUS_BLOCK, IO_STATUS_BLOCK_0};

pub(crate) struct IoStatusBlock(IO_STATUS_BLOCK);

impl IoStatusBlock {
    pub(crate) fn zeroed() -> IoStatusBlock {
        IoStatusBlock(IO_STATUS_BLOCK {
            Anonymous: IO_STATUS_BLOCK_0 { Status: 0 },
            Information: 0,
        })
    }
}

// SAFETY: IO_STATUS_BLOCK is plain data (a status and a length); it is `!Send` only because
// its union holds a `*mut c_void` variant, which wakepoll never uses as a pointer.
unsafe impl Send for IoStatusBlock {}

impl Deref for IoStatusBlock {
    type Target = IO_STATUS_BLOCK;
    fn deref(&self) -> &IO_STATUS_BLOCK {
        &self.0
    }
}

impl DerefMut for IoStatusBlock {
    fn deref_mut(&mut self) -> &mut IO_STATUS_BLOCK {
        &mut self.0
    }
}

impl fmt::Debug for IoStatusBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoStatusBlock").finish()
    }
}
