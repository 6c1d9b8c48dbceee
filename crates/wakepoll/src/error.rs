//! OS errors that remember which system call failed.
//!
//! Every error wakepoll returns for an OS failure is an [`io::Error`] of the usual
//! [`ErrorKind`](io::ErrorKind) that wraps a [`SysError`]: the errno, its symbolic name
//! (`"EEXIST"`) and the system call (`"epoll_ctl"`). Node-style errors (`code`, `errno`,
//! `syscall`) are built from it, and Rust callers can read it with [`sys_error`].
//!
//! Because the errno travels inside the custom payload, `io::Error::raw_os_error` returns
//! `None` for these errors; use [`errno`] instead.

use std::borrow::Cow;
use std::{fmt, io};

/// The OS error behind a failed wakepoll operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SysError {
    errno: i32,
    syscall: &'static str,
    message: Option<Cow<'static, str>>,
}

impl SysError {
    /// The raw OS error number (`errno` on Unix).
    pub fn errno(&self) -> i32 {
        self.errno
    }

    /// libuv's number for this error, which Node reports as `err.errno` and which
    /// `util.getSystemErrorName` turns back into [`code`](SysError::code): `-errno` on Unix,
    /// libuv's own codes on Windows (`EEXIST` is -4075 there).
    pub fn uv_errno(&self) -> i32 {
        crate::sys::uv_errno(self.errno)
    }

    /// wakepoll's own description ("already registered"), if it has one; `None` when the
    /// OS's text describes the error.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The system call that failed, as Node names it in `err.syscall` (`"epoll_ctl"`).
    pub fn syscall(&self) -> &'static str {
        self.syscall
    }

    /// The symbolic name of the error (`"EEXIST"`), or `"UNKNOWN"`.
    pub fn code(&self) -> &'static str {
        crate::sys::errno_name(self.errno).unwrap_or("UNKNOWN")
    }

    /// The human-readable description: wakepoll's own where it has one ("already
    /// registered"), otherwise the OS's.
    pub fn description(&self) -> String {
        match &self.message {
            Some(message) => message.to_string(),
            None => {
                let os = io::Error::from_raw_os_error(self.errno).to_string();
                // std appends " (os error N)"; the code already says it.
                match os.find(" (os error") {
                    Some(cut) => os[..cut].to_owned(),
                    None => os,
                }
            }
        }
    }
}

impl fmt::Display for SysError {
    /// Formats like Node's system errors: `EEXIST: already registered, epoll_ctl`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}, {}",
            self.code(),
            self.description(),
            self.syscall
        )
    }
}

impl std::error::Error for SysError {}

/// The [`SysError`] inside `err`, when wakepoll made it.
pub fn sys_error(err: &io::Error) -> Option<&SysError> {
    err.get_ref()?.downcast_ref::<SysError>()
}

/// The OS error number of `err`, whether wakepoll wrapped it or not.
pub fn errno(err: &io::Error) -> Option<i32> {
    sys_error(err).map(SysError::errno).or(err.raw_os_error())
}

/// `EBUSY`: a call that admits one thread at a time was entered by a second one. wakepoll's
/// bindings use it where Rust's borrow rules cannot reach (one `poll` per `Poll`).
pub fn busy(operation: &'static str, message: &'static str) -> io::Error {
    with_message(operation, crate::sys::EBUSY, message)
}

/// `ENOTSUP`: what the platform lacks (a Unix domain socket on Windows, a raw-handle
/// source where there is none). For code that serves every platform without `cfg`.
pub fn unsupported(operation: &'static str, message: &'static str) -> io::Error {
    with_message(operation, crate::sys::ENOTSUP, message)
}

/// Wraps `errno` as the failure of `syscall`, keeping std's error kind. Public so that code
/// calling the OS (or libuv) beside wakepoll can report errors in the same shape.
pub fn from_errno(syscall: &'static str, errno: i32) -> io::Error {
    let kind = crate::sys::error_kind(errno);
    io::Error::new(
        kind,
        SysError {
            errno,
            syscall,
            message: None,
        },
    )
}

/// Like [`from_errno`], with wakepoll's own description in place of the OS's.
pub(crate) fn with_message(syscall: &'static str, errno: i32, message: &'static str) -> io::Error {
    with_description(syscall, errno, Cow::Borrowed(message))
}

/// Like [`with_message`], for a description made at run time (one that names what a
/// descriptor turned out to be, say).
pub(crate) fn with_description(
    syscall: &'static str,
    errno: i32,
    message: Cow<'static, str>,
) -> io::Error {
    let kind = crate::sys::error_kind(errno);
    io::Error::new(
        kind,
        SysError {
            errno,
            syscall,
            message: Some(message),
        },
    )
}

/// The calling thread's last OS error as the failure of `syscall`.
pub(crate) fn last(syscall: &'static str) -> io::Error {
    match io::Error::last_os_error().raw_os_error() {
        Some(errno) => from_errno(syscall, errno),
        None => io::Error::last_os_error(),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn keeps_kind_errno_code_and_syscall() {
        let err = with_message("epoll_ctl", libc::EEXIST, "already registered");
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(errno(&err), Some(libc::EEXIST));
        let sys = sys_error(&err).expect("wrapped");
        assert_eq!(sys.code(), "EEXIST");
        assert_eq!(sys.syscall(), "epoll_ctl");
        assert_eq!(err.to_string(), "EEXIST: already registered, epoll_ctl");
    }

    #[test]
    fn describes_with_the_os_text_when_no_message() {
        let err = from_errno("write", libc::EBADF);
        assert_eq!(err.to_string(), "EBADF: Bad file descriptor, write");
    }
}
