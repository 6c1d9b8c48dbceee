//! Unix-only extensions: raw file descriptors as sources.

mod source_fd;

use std::os::fd::{AsRawFd, RawFd};

pub use self::source_fd::SourceFd;

impl AsRawFd for crate::Poll {
    /// The selector's fd (the epoll fd), so that a `Poll` can be nested in another loop.
    fn as_raw_fd(&self) -> RawFd {
        self.registry().selector().as_raw_fd()
    }
}

impl AsRawFd for crate::Registry {
    fn as_raw_fd(&self) -> RawFd {
        self.selector().as_raw_fd()
    }
}
