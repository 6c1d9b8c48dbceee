//! The only part of wakepoll that knows the operating system.
//!
//! Each backend provides the same small interface, with the same names, so that the public
//! layer never says `cfg(target_os)`:
//!
//! * `Selector`: `new`, `register(fd, token, interests)`, `reregister`, `deregister(fd)`,
//!   `select(&mut Events, Option<Duration>)` — one wait, at most one system call, timeouts
//!   rounded up to the backend's resolution; the public [`Poll`](crate::Poll) owns the retry
//!   loop (`EINTR`, deadlines). The raw-handle calls are edge-triggered; they serve
//!   `unix::SourceFd` and `event::SourceRaw`, and on Windows (which, like mio, has no
//!   raw-handle source) they fail with `ENOTSUP`.
//!   wakepoll's own sources use `register_owned(…, Trigger)`, `reregister_owned`,
//!   `deregister_owned`, which the raw-fd calls cannot reach, and which may be level-triggered
//!   (a [`WaitContext`](crate::sync::WaitContext)).
//! * `SELECTOR_CTL`: the system call that (de)registers, named in registration errors.
//! * `Events` (the backend's event buffer), and `event::{token, is_readable, …}` accessors.
//! * `Waker`: `new(&Selector, Token)`, `wake()`.
//! * `SyncEvent` (crosvm's `Event`): `new`, `signal`, `wait_once(Option<Duration>)` (one
//!   wait, at most one blocking call, `Ok(true)` when it consumed the signal), `reset`,
//!   `try_clone` (shares the signal), `register(&Selector, Token, Interest, Trigger)`,
//!   `reregister`, `deregister(&Selector)`; its one descriptor, which crosses processes:
//!   `from_owned` (checked), `from_owned_unchecked`, `into_owned`, `adopt_sync_event`,
//!   `sync_event_descriptor`. The public [`sync::Event`](crate::sync::Event) owns the
//!   one-waiter guard, the registration record and the retry loop.
//! * `Timer` (crosvm's `base::Timer`): `new`, `reset(delay, Option<interval>)`, `clear`,
//!   `wait_once(Option<Duration>)` (one wait, at most one blocking call; the expirations it
//!   consumed, 0 for none), `register`/`reregister`/`deregister` as `SyncEvent`'s;
//!   `pollable_timer`. A timerfd on Linux; elsewhere (and on Linux over libkqueue) a one-shot OS timer armed for the next
//!   due time of a `Schedule` (`schedule.rs`), which counts expirations by the clock.
//! * Sockets and pipes, as free functions over borrowed fds (mio's `sys::tcp` shape): `net`
//!   (socket creation, IP addresses, send/recv, options, `take_error`), `tcp` (`bind`,
//!   `connect`, `accept`, `TCP_NODELAY`), `udp` (`bind`, broadcast/multicast options), `uds`
//!   (Unix addresses, `bind`, `connect`, `accept`, `pair`, datagrams), `pipe::new`, and `io`
//!   (`read`/`write`/vectored/`set_nonblocking` on any fd). Every fd they make is non-blocking
//!   and close-on-exec; the public layer's `IoSource` registers it through the
//!   selector's owned-fd calls.
//!   On Windows the same names over winsock (`tcp`, `udp`, `net`, `io::read`), without `uds`
//!   and `pipe`.
//! * Source handles: `RawSource`, `OwnedSource`, `BorrowedSource` (an fd on Unix, a `SOCKET`
//!   on Windows), `borrow_source`, `raw_source`; `pollable_selector`, `pollable_sync_event`:
//!   the handle another readiness loop can watch, or `None` (a completion port, an event
//!   object).
//! * Edges: `REARMS_AFTER_WOULD_BLOCK`, and `Selector::rearm_owned(raw)`, which the public
//!   `IoSource::do_io` calls after an operation returned `WouldBlock` when the backend
//!   emulates edges (IOCP + AFD report a readiness once; epoll needs nothing).
//! * `errno_name(errno)`: the symbolic name Node uses for `err.code`; `uv_errno(errno)`: the
//!   number Node uses for `err.errno` (libuv's: `-errno` on Unix, libuv's own codes on
//!   Windows); `error_kind(errno)`: the
//!   `io::ErrorKind`; the `E*` constants the public layer needs (on Windows, the Windows
//!   errors that stand for them: `ERROR_ALREADY_EXISTS` for `EEXIST`, …).
//!
//! Adding a platform is adding a sibling folder and one `cfg` line below.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use self::unix::*;
#[cfg(not(any(
    target_os = "android",
    all(target_os = "linux", not(wakepoll_libkqueue))
)))]
mod schedule;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(crate) use self::windows::*;

/// How a registration reports readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// Once per change to ready (every [`Poll`](crate::Poll) registration).
    Edge,
    /// At every wait, for as long as the source is ready (a
    /// [`WaitContext`](crate::sync::WaitContext)).
    Level,
}
