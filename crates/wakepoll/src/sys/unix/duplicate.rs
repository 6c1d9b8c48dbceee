//! Windows' socket duplication (`WSADuplicateSocketW`), which Unix does without: a socket
//! crosses to another process as an fd over a Unix stream (`SCM_RIGHTS`, scm_rights.rs).
//! Both calls fail with `ENOTSUP`, saying so.

use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};

use crate::error;

const INSTEAD: &str = "socket duplication is Windows-only: on Unix, send the socket's fd to the \
     other process over a Unix stream (sendWithFds / send_with_fds, SCM_RIGHTS) and adopt it there \
     (fromFd / from_raw_descriptor)";

pub(crate) fn duplicate_for(_socket: BorrowedFd<'_>, _pid: u32) -> io::Result<String> {
    Err(error::unsupported("WSADuplicateSocketW", INSTEAD))
}

pub(crate) fn from_duplicate(_info: &str) -> io::Result<OwnedFd> {
    Err(error::unsupported("WSASocketW", INSTEAD))
}
