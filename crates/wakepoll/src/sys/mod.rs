//! The only part of wakepoll that knows the operating system.
//!
//! Each backend provides the same small interface, with the same names, so that the public
//! layer never says `cfg(target_os)`:
//!
//! * `Selector`: `new`, `register(fd, token, interests)`, `reregister`, `deregister(fd)`,
//!   `select(&mut Events, Option<Duration>)` — one wait, at most one system call, timeouts
//!   rounded up to the backend's resolution; the public [`Poll`](crate::Poll) owns the retry
//!   loop (`EINTR`, deadlines).
//! * `Events` (the backend's event buffer), and `event::{token, is_readable, …}` accessors.
//! * `Waker`: `new(&Selector, Token)`, `wake()`.
//! * `errno_name(errno)`: the symbolic name Node uses for `err.code`.
//!
//! Adding a platform is adding a sibling folder and one `cfg` line below.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use self::unix::*;
