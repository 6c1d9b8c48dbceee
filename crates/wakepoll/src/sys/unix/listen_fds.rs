//! systemd's socket activation protocol, as `sd_listen_fds_with_names(3)` reads it
//! (systemd's src/libsystemd/sd-daemon/sd-daemon.c):
//!
//! * `LISTEN_PID` absent: not activated (0 descriptors). Not a positive decimal number:
//!   `EINVAL`. Another process's: not for us (0).
//! * `LISTEN_PIDFDID` (systemd 258 and later), if set: a decimal number, else `EINVAL`; where
//!   the kernel gives this process's pidfd an id (pidfs, Linux 6.9+) and it differs: not for us.
//! * `LISTEN_FDS` absent: 0. Not a decimal number, below 1, or so large that fds would pass
//!   `INT_MAX`: `EINVAL`. Otherwise that many fds from 3 on, each made close-on-exec
//!   (`EBADF` if one is not open).
//! * `LISTEN_FDNAMES`, if set, is split at every `:` (empty names kept; an empty value names
//!   nothing; a backslash takes the next character as it is, as systemd's `extract_first_word`) and
//!   must name every fd (`EINVAL`); if not set, every fd is named `"unknown"`.
//! * With `unset`, the four variables are removed whatever the outcome — also for another
//!   process's `LISTEN_PID`, and on an error.
//!
//! Only the protocol lives here; the public layer (net/listen_fds.rs) adopts what it returns.

use std::borrow::Cow;
use std::env;
use std::ffi::OsString;
use std::io;
use std::os::fd::RawFd;

use crate::error;
use crate::sys::unix::adopt::set_cloexec_raw;

/// The first fd of the protocol (`SD_LISTEN_FDS_START`).
const START: RawFd = 3;

const VARIABLES: [&str; 4] = [
    "LISTEN_PID",
    "LISTEN_PIDFDID",
    "LISTEN_FDS",
    "LISTEN_FDNAMES",
];

/// The name errors of the protocol carry in place of a system call.
const CALL: &str = "sd_listen_fds";

fn invalid(message: String) -> io::Error {
    error::with_description(CALL, libc::EINVAL, Cow::Owned(message))
}

/// The names and numbers of the fds passed to this process (see the module documentation).
pub(crate) fn listen_fds(unset: bool) -> io::Result<Vec<(String, RawFd)>> {
    let names = env::var_os("LISTEN_FDNAMES");
    let count = count_and_cloexec();
    if unset {
        for name in VARIABLES {
            env::remove_var(name);
        }
    }
    let count = count?;
    if count == 0 {
        return Ok(Vec::new());
    }
    let names = match names {
        Some(names) => {
            let names = split_names(&names.to_string_lossy());
            if names.len() != count {
                return Err(invalid(format!(
                    "LISTEN_FDNAMES names {} descriptors, LISTEN_FDS passes {count}",
                    names.len()
                )));
            }
            names
        }
        None => vec!["unknown".to_owned(); count],
    };
    Ok(names.into_iter().zip(START..).collect())
}

/// `sd_listen_fds` without the unsetting: how many fds are ours, made close-on-exec.
fn count_and_cloexec() -> io::Result<usize> {
    let Some(pid) = env::var_os("LISTEN_PID") else {
        return Ok(0);
    };
    let pid = decimal(&pid)
        .filter(|pid| (1..=u64::from(u32::MAX)).contains(pid))
        .ok_or_else(|| invalid(format!("LISTEN_PID is not a process id: {pid:?}")))?;
    if pid != u64::from(std::process::id()) {
        return Ok(0);
    }
    if let Some(id) = env::var_os("LISTEN_PIDFDID") {
        let id = decimal(&id)
            .ok_or_else(|| invalid(format!("LISTEN_PIDFDID is not a number: {id:?}")))?;
        if own_pidfd_id().is_some_and(|own| own != id) {
            return Ok(0);
        }
    }
    let Some(fds) = env::var_os("LISTEN_FDS") else {
        return Ok(0);
    };
    let count = decimal(&fds)
        .filter(|n| (1..=(i32::MAX - START) as u64).contains(n))
        .ok_or_else(|| invalid(format!("LISTEN_FDS is not a count of 1 or more: {fds:?}")))?
        as usize;
    for fd in (START..).take(count) {
        set_cloexec_raw(fd)?;
    }
    Ok(count)
}

/// `LISTEN_FDNAMES` split at every `:` that no backslash escapes: `""` is no name, `"a::"`
/// three (`a`, two empty), `"a\\:b"` one (`a:b`).
fn split_names(value: &str) -> Vec<String> {
    let mut names = Vec::new();
    if value.is_empty() {
        return names;
    }
    let mut name = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            ':' => names.push(std::mem::take(&mut name)),
            // A trailing backslash stays, as systemd keeps it.
            '\\' => name.push(chars.next().unwrap_or('\\')),
            c => name.push(c),
        }
    }
    names.push(name);
    names
}

/// A decimal number of digits only (no sign, no spaces), as the protocol writes them.
fn decimal(value: &OsString) -> Option<u64> {
    let text = value.to_str()?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The id of this process's pidfd (its inode number on pidfs, Linux 6.9+, unique for the
/// life of the system), what `LISTEN_PIDFDID` names; `None` where the kernel gives none.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn own_pidfd_id() -> Option<u64> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    /// `PIDFS_MAGIC`, the file system of pidfds that have their own inodes.
    const PIDFS_MAGIC: libc::c_long = 0x5049_4446;
    // SAFETY: pidfd_open takes a pid and flags; it returns a new fd or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, libc::getpid(), 0) };
    let fd = RawFd::try_from(fd).ok().filter(|fd| *fd >= 0)?;
    // SAFETY: the kernel just returned `fd`, which nothing else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: statfs and stat are plain C structs; all zeroes is a valid value.
    let (mut fs, mut st): (libc::statfs, libc::stat) = unsafe { std::mem::zeroed() };
    // SAFETY: `fs` is a live, writable statfs.
    syscall_ok(unsafe { libc::fstatfs(fd.as_raw_fd(), &mut fs) })?;
    if fs.f_type as libc::c_long != PIDFS_MAGIC {
        return None;
    }
    // SAFETY: `st` is a live, writable stat.
    syscall_ok(unsafe { libc::fstat(fd.as_raw_fd(), &mut st) })?;
    Some(st.st_ino)
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn syscall_ok(result: libc::c_int) -> Option<()> {
    (result == 0).then_some(())
}

/// No pidfd ids here: `LISTEN_PID` alone decides.
#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn own_pidfd_id() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::{decimal, split_names};

    #[test]
    fn only_plain_decimal_numbers_count() {
        let parse = |s: &str| decimal(&OsString::from(s));
        assert_eq!(parse("3"), Some(3));
        assert_eq!(parse("0042"), Some(42));
        for bad in [
            "",
            " 3",
            "3 ",
            "-3",
            "+3",
            "0x10",
            "3a",
            "99999999999999999999999",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names_split_as_systemd_splits_them() {
        let split = |s: &str| split_names(s);
        assert_eq!(split(""), Vec::<String>::new());
        assert_eq!(split("web"), ["web"]);
        assert_eq!(split("a:b:c"), ["a", "b", "c"]);
        assert_eq!(
            split(":foo\\:bar::waldo:"),
            ["", "foo:bar", "", "waldo", ""]
        );
        assert_eq!(split("tail\\"), ["tail\\"]);
    }
}
