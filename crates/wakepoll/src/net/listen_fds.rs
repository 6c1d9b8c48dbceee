//! Socket activation: the sockets systemd (or launchd's and s6's systemd-compatible modes,
//! `systemd-socket-activate`, …) opened for this process, as `sd_listen_fds_with_names(3)`
//! finds them.

use std::io;

use crate::error;
use crate::event::{IntoRawSource, RawSource};
use crate::net::adopt::Classified;
use crate::net::AnySocket;
use crate::sys;

/// One descriptor that socket activation passed to this process.
#[derive(Debug)]
pub struct ListenFd {
    /// Its name: the entry of `LISTEN_FDNAMES` (systemd's `FileDescriptorName=`,
    /// `systemd-socket-activate --fdname`), or `"unknown"` when none were given.
    pub name: String,
    /// Its number: 3 for the first, then 4, 5, …
    pub fd: RawSource,
    /// The socket, adopted (non-blocking and close-on-exec, closed when dropped); `None` for a
    /// descriptor that is no socket of wakepoll's kinds (a FIFO, a netlink socket, …), which
    /// stays open, as it came, and the caller's.
    pub socket: Option<AnySocket>,
}

/// The descriptors passed by socket activation, following systemd's
/// `sd_listen_fds_with_names`: only when `LISTEN_PID` is this process (and, where the kernel
/// can tell, `LISTEN_PIDFDID` its pidfd's id); `LISTEN_FDS` of them, from fd 3 on, each made
/// close-on-exec; named by `LISTEN_FDNAMES` (colon-separated; `"unknown"` when it is not set).
/// Not activated (no `LISTEN_PID`, another process's, or no `LISTEN_FDS`): empty. On Windows:
/// always empty.
///
/// With `unset_environment`, `LISTEN_PID`, `LISTEN_PIDFDID`, `LISTEN_FDS` and
/// `LISTEN_FDNAMES` are removed from the process environment whatever the outcome (as
/// systemd's `unset_environment`), so that neither a second call nor a child process takes the
/// descriptors again. That changes the environment of the whole process: call it before other
/// threads read the environment (`std::env::remove_var`'s caveat).
///
/// Errors, as systemd's: `EINVAL` for a malformed `LISTEN_PID`, `LISTEN_PIDFDID` or
/// `LISTEN_FDS` (or a count below 1), or a `LISTEN_FDNAMES` that does not name every
/// descriptor; `EBADF` if one of the descriptors is not open. Then nothing is adopted or
/// closed.
pub fn listen_fds(unset_environment: bool) -> io::Result<Vec<ListenFd>> {
    let passed = sys::listen_fds::listen_fds(unset_environment)?;
    // What each one is, before any is taken: an error here leaves them all as they came.
    let mut kinds: Vec<Classified> = Vec::with_capacity(passed.len());
    for &(_, fd) in &passed {
        kinds.push(match sys::adopt::classify(fd) {
            Ok(found) => found,
            Err(err) if error::errno(&err) == Some(sys::adopt::ENOTSOCK) => Err("not a socket"),
            Err(err) => return Err(err),
        });
    }
    let mut taken = Vec::with_capacity(passed.len());
    for ((name, fd), kind) in passed.into_iter().zip(kinds) {
        let socket = match kind {
            // SAFETY: the protocol hands these descriptors to this process, once (the caller
            // is told to unset the environment, or to call this once); `fd` is an open socket
            // of a kind wakepoll has (just checked).
            Ok(_) => match unsafe { AnySocket::from_raw_descriptor(fd as i64) } {
                Ok(socket) => Some(socket),
                Err(err) => {
                    // Give back, unclosed, what was taken so far.
                    for socket in taken.into_iter().filter_map(|done: ListenFd| done.socket) {
                        socket.into_raw_source();
                    }
                    return Err(err);
                }
            },
            Err(_) => None,
        };
        taken.push(ListenFd { name, fd, socket });
    }
    Ok(taken)
}
