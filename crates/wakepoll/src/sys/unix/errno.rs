//! errno → the symbolic name Node puts in `err.code`.

/// Device or resource busy.
pub(crate) const EBUSY: i32 = libc::EBUSY;
/// File exists: a source is already registered.
pub(crate) const EEXIST: i32 = libc::EEXIST;
/// No such file or directory: a source is not registered.
pub(crate) const ENOENT: i32 = libc::ENOENT;
/// Not supported on this platform.
pub(crate) const ENOTSUP: i32 = libc::ENOTSUP;

/// libuv's number for `errno` (what Node puts in `err.errno`): on Unix libuv uses the OS's
/// numbers, negated.
pub(crate) fn uv_errno(errno: i32) -> i32 {
    errno.wrapping_neg()
}

/// The name of `errno` on this platform (`libc::EEXIST` → `"EEXIST"`), as Node's
/// `util.getSystemErrorName` gives it.
pub(crate) fn errno_name(errno: i32) -> Option<&'static str> {
    macro_rules! names {
        ($($name:ident),* $(,)?) => {
            $(if errno == libc::$name { return Some(stringify!($name)); })*
        };
    }
    // ENOTSUP first: on Linux and FreeBSD it equals EOPNOTSUPP, and Node names it ENOTSUP.
    // (On macOS the two differ, and each has its own name.)
    names!(
        ENOTSUP,
        EPERM,
        ENOENT,
        ESRCH,
        EINTR,
        EIO,
        ENXIO,
        E2BIG,
        ENOEXEC,
        EBADF,
        ECHILD,
        EAGAIN,
        ENOMEM,
        EACCES,
        EFAULT,
        EBUSY,
        EEXIST,
        EXDEV,
        ENODEV,
        ENOTDIR,
        EISDIR,
        EINVAL,
        ENFILE,
        EMFILE,
        ENOTTY,
        ETXTBSY,
        EFBIG,
        ENOSPC,
        ESPIPE,
        EROFS,
        EMLINK,
        EPIPE,
        EDOM,
        ERANGE,
        EDEADLK,
        ENAMETOOLONG,
        ENOLCK,
        ENOSYS,
        ENOTEMPTY,
        ELOOP,
        ENOMSG,
        EIDRM,
        ENOLINK,
        EPROTO,
        EBADMSG,
        EOVERFLOW,
        EILSEQ,
        ENOTSOCK,
        EDESTADDRREQ,
        EMSGSIZE,
        EPROTOTYPE,
        ENOPROTOOPT,
        EPROTONOSUPPORT,
        EOPNOTSUPP,
        EAFNOSUPPORT,
        EADDRINUSE,
        EADDRNOTAVAIL,
        ENETDOWN,
        ENETUNREACH,
        ENETRESET,
        ECONNABORTED,
        ECONNRESET,
        ENOBUFS,
        EISCONN,
        ENOTCONN,
        ESHUTDOWN,
        ETIMEDOUT,
        ECONNREFUSED,
        EHOSTDOWN,
        EHOSTUNREACH,
        EALREADY,
        EINPROGRESS,
        ECANCELED,
    );
    None
}

#[cfg(test)]
mod tests {
    use super::errno_name;

    #[test]
    fn names_common_errors() {
        assert_eq!(errno_name(libc::EEXIST), Some("EEXIST"));
        assert_eq!(errno_name(libc::ENOENT), Some("ENOENT"));
        assert_eq!(errno_name(libc::EBADF), Some("EBADF"));
        assert_eq!(errno_name(libc::ENOTSUP), Some("ENOTSUP"));
        assert_eq!(errno_name(-1), None);
    }
}
