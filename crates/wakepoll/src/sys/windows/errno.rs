//! Windows and winsock error codes → the symbolic names Node puts in `err.code`.
//!
//! wakepoll's errors carry the raw Windows error (`GetLastError`/`WSAGetLastError`, or an
//! `NTSTATUS` converted with `RtlNtStatusToDosError`) as their errno; the names are libuv's
//! (`uv_translate_sys_error`), which is what Node reports on Windows.

use std::io;

use windows_sys::Win32::Foundation as f;
use windows_sys::Win32::Networking::WinSock as ws;

/// The resource is busy: a second waiter, a second poller.
pub(crate) const EBUSY: i32 = f::ERROR_BUSY as i32;
/// Already there: a source is already registered.
pub(crate) const EEXIST: i32 = f::ERROR_ALREADY_EXISTS as i32;
/// Not there: a source is not registered.
pub(crate) const ENOENT: i32 = f::ERROR_FILE_NOT_FOUND as i32;
/// Not supported on this platform (libuv, and so Node, name it `ENOTSUP`).
pub(crate) const ENOTSUP: i32 = f::ERROR_NOT_SUPPORTED as i32;

/// The `io::ErrorKind` of `errno`: std's mapping, plus the codes std leaves uncategorized
/// that wakepoll reports (a missing feature is `Unsupported`, as on Unix).
pub(crate) fn error_kind(errno: i32) -> io::ErrorKind {
    match errno {
        e if e == f::ERROR_NOT_SUPPORTED as i32 => io::ErrorKind::Unsupported,
        e if e == ws::WSAEOPNOTSUPP => io::ErrorKind::Unsupported,
        e if e == ws::WSAEINTR => io::ErrorKind::Interrupted,
        e => io::Error::from_raw_os_error(e).kind(),
    }
}

/// The name of `errno` (a Windows or winsock error), as libuv translates it for Node.
pub(crate) fn errno_name(errno: i32) -> Option<&'static str> {
    let Ok(code) = u32::try_from(errno) else {
        return None;
    };
    let name = match code {
        f::ERROR_ALREADY_EXISTS | f::ERROR_FILE_EXISTS => "EEXIST",
        f::ERROR_FILE_NOT_FOUND | f::ERROR_PATH_NOT_FOUND | f::ERROR_NOT_FOUND => "ENOENT",
        f::ERROR_BUSY => "EBUSY",
        f::ERROR_NOT_SUPPORTED | f::ERROR_CALL_NOT_IMPLEMENTED => "ENOTSUP",
        f::ERROR_ACCESS_DENIED => "EPERM",
        f::ERROR_INVALID_HANDLE => "EBADF",
        f::ERROR_INVALID_PARAMETER => "EINVAL",
        f::ERROR_NOT_ENOUGH_MEMORY | f::ERROR_OUTOFMEMORY => "ENOMEM",
        f::ERROR_TOO_MANY_OPEN_FILES => "EMFILE",
        f::ERROR_OPERATION_ABORTED => "ECANCELED",
        f::ERROR_BROKEN_PIPE | f::ERROR_NO_DATA => "EPIPE",
        f::ERROR_TIMEOUT | f::WAIT_TIMEOUT => "ETIMEDOUT",
        f::ERROR_IO_PENDING => "EAGAIN",
        _ => match code as i32 {
            ws::WSAEINTR => "EINTR",
            ws::WSAEBADF => "EBADF",
            ws::WSAEACCES => "EACCES",
            ws::WSAEFAULT => "EFAULT",
            ws::WSAEINVAL => "EINVAL",
            ws::WSAEMFILE => "EMFILE",
            ws::WSAEWOULDBLOCK => "EAGAIN",
            ws::WSAEINPROGRESS => "EINPROGRESS",
            ws::WSAEALREADY => "EALREADY",
            ws::WSAENOTSOCK => "ENOTSOCK",
            ws::WSAEDESTADDRREQ => "EDESTADDRREQ",
            ws::WSAEMSGSIZE => "EMSGSIZE",
            ws::WSAEPROTOTYPE => "EPROTOTYPE",
            ws::WSAENOPROTOOPT => "ENOPROTOOPT",
            ws::WSAEPROTONOSUPPORT => "EPROTONOSUPPORT",
            ws::WSAEOPNOTSUPP => "ENOTSUP",
            ws::WSAEAFNOSUPPORT => "EAFNOSUPPORT",
            ws::WSAEADDRINUSE => "EADDRINUSE",
            ws::WSAEADDRNOTAVAIL => "EADDRNOTAVAIL",
            ws::WSAENETDOWN => "ENETDOWN",
            ws::WSAENETUNREACH => "ENETUNREACH",
            ws::WSAENETRESET => "ENETRESET",
            ws::WSAECONNABORTED => "ECONNABORTED",
            ws::WSAECONNRESET => "ECONNRESET",
            ws::WSAENOBUFS => "ENOBUFS",
            ws::WSAEISCONN => "EISCONN",
            ws::WSAENOTCONN => "ENOTCONN",
            ws::WSAESHUTDOWN => "ESHUTDOWN",
            ws::WSAETIMEDOUT => "ETIMEDOUT",
            ws::WSAECONNREFUSED => "ECONNREFUSED",
            ws::WSAEHOSTDOWN => "EHOSTDOWN",
            ws::WSAEHOSTUNREACH => "EHOSTUNREACH",
            ws::WSAECANCELLED | ws::WSA_E_CANCELLED => "ECANCELED",
            _ => return None,
        },
    };
    Some(name)
}

/// libuv's number for `errno` (what Node puts in `err.errno` on Windows): libuv's own negative
/// codes for the name [`errno_name`] gives (`UV_EEXIST` is -4075, as in libuv's `uv/errno.h`),
/// so that `util.getSystemErrorName(err.errno)` is `err.code`. A code libuv has no name for
/// keeps its raw number, negated.
pub(crate) fn uv_errno(errno: i32) -> i32 {
    let Some(name) = errno_name(errno) else {
        return errno.wrapping_neg();
    };
    match UV_ERRNOS.iter().find(|(n, _)| *n == name) {
        Some(&(_, uv)) => uv,
        None => errno.wrapping_neg(),
    }
}

/// libuv's Windows codes (`UV__E*` of `uv/errno.h`) for the names `errno_name` returns.
const UV_ERRNOS: &[(&str, i32)] = &[
    ("EACCES", -4092),
    ("EADDRINUSE", -4091),
    ("EADDRNOTAVAIL", -4090),
    ("EAFNOSUPPORT", -4089),
    ("EAGAIN", -4088),
    ("EALREADY", -4084),
    ("EBADF", -4083),
    ("EBUSY", -4082),
    ("ECANCELED", -4081),
    ("ECONNABORTED", -4079),
    ("ECONNREFUSED", -4078),
    ("ECONNRESET", -4077),
    ("EDESTADDRREQ", -4076),
    ("EEXIST", -4075),
    ("EFAULT", -4074),
    ("EHOSTUNREACH", -4073),
    ("EINTR", -4072),
    ("EINVAL", -4071),
    ("EISCONN", -4069),
    ("EMFILE", -4066),
    ("EMSGSIZE", -4065),
    ("ENETDOWN", -4063),
    ("ENETUNREACH", -4062),
    ("ENOBUFS", -4060),
    ("ENOENT", -4058),
    ("ENOMEM", -4057),
    ("ENOTCONN", -4053),
    ("ENOTSOCK", -4050),
    ("ENOTSUP", -4049),
    ("EPERM", -4048),
    ("EPIPE", -4047),
    ("EPROTONOSUPPORT", -4045),
    ("EPROTOTYPE", -4044),
    ("ESHUTDOWN", -4042),
    ("ETIMEDOUT", -4039),
    ("ENOPROTOOPT", -4035),
    ("EHOSTDOWN", -4031),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_kinds_of_the_codes_wakepoll_reports() {
        assert_eq!(errno_name(EEXIST), Some("EEXIST"));
        assert_eq!(errno_name(ENOENT), Some("ENOENT"));
        assert_eq!(errno_name(EBUSY), Some("EBUSY"));
        assert_eq!(errno_name(ws::WSAECONNREFUSED), Some("ECONNREFUSED"));
        assert_eq!(errno_name(-1), None);
        assert_eq!(error_kind(EEXIST), io::ErrorKind::AlreadyExists);
        assert_eq!(error_kind(ENOENT), io::ErrorKind::NotFound);
        assert_eq!(error_kind(EBUSY), io::ErrorKind::ResourceBusy);
        assert_eq!(
            error_kind(f::ERROR_NOT_SUPPORTED as i32),
            io::ErrorKind::Unsupported
        );
        assert_eq!(error_kind(ws::WSAEWOULDBLOCK), io::ErrorKind::WouldBlock);
    }

    #[test]
    fn libuv_numbers_of_the_codes_wakepoll_reports() {
        assert_eq!(uv_errno(EEXIST), -4075);
        assert_eq!(uv_errno(ENOENT), -4058);
        assert_eq!(uv_errno(EBUSY), -4082);
        assert_eq!(uv_errno(ENOTSUP), -4049);
        assert_eq!(uv_errno(ws::WSAECONNREFUSED), -4078);
        assert_eq!(uv_errno(ws::WSAECONNRESET), -4077);
        // No name: the raw number, negated.
        assert_eq!(uv_errno(0x1234), -0x1234);
        // Every name errno_name can give that libuv knows is in the table once.
        for (i, (name, _)) in UV_ERRNOS.iter().enumerate() {
            assert!(
                !UV_ERRNOS[i + 1..].iter().any(|(n, _)| n == name),
                "{name} twice"
            );
        }
    }
}
