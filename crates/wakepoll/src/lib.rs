//! Readiness polling and cross-thread wake-up, with mio's API.
//!
//! wakepoll is a small, mio-compatible core: [`Poll`] owns one OS selector (epoll on Linux,
//! kqueue on macOS and FreeBSD, an I/O completion port on Windows), a [`Registry`] registers
//! [`event::Source`]s with it, [`Poll::poll`] fills [`Events`], and a [`Waker`] wakes a blocked
//! `poll` from any thread. Code written against mio 1.x compiles against wakepoll by changing
//! the crate name.
//!
//! The sources are mio's: the sockets of [`net`] (TCP, UDP, and on Unix, Unix domain sockets),
//! `unix::pipe`, and any raw fd through `unix::SourceFd`.
//!
//! Beside mio's API: [`AtomicWaker`] (futures' task-wakeup primitive, model-checked with
//! loom), and in [`sync`] crosvm's [`Event`](sync::Event) (any number of signallers, one
//! waiter, across processes), [`Timer`](sync::Timer) (one-shot or periodic, waitable and
//! pollable) and level-triggered [`WaitContext`](sync::WaitContext) (any source, for read,
//! write or both).
//!
//! Where wakepoll differs from mio, it does so on purpose and documents it at the item:
//!
//! * several [`Waker`]s per [`Poll`] are allowed, each reporting its own token;
//! * registering a source twice, and reregistering or deregistering one that is not
//!   registered, are errors (`AlreadyExists` / `NotFound`) in release builds too;
//! * an interrupted wait (`EINTR`) is retried with the time that remains, never returned;
//! * a timeout is never shortened: sub-millisecond timeouts round up;
//! * OS errors carry the system call that failed (see [`error::SysError`]);
//! * wakepoll's own sources (a [`sync::Event`], sockets, pipe ends) belong to one `Poll` at a
//!   time: registering one with a second `Poll` is an error (`AlreadyExists`); dropping one
//!   ends its registration;
//! * sockets and pipe ends implement `event::Source` for `&T` too, for sources shared in an
//!   `Arc`.
//!
//! ```
//! use std::sync::Arc;
//! use std::thread;
//! use wakepoll::{Events, Poll, Token, Waker};
//!
//! let mut poll = Poll::new()?;
//! let mut events = Events::with_capacity(8);
//! let waker = Arc::new(Waker::new(poll.registry(), Token(10))?);
//!
//! let remote = Arc::clone(&waker);
//! let t = thread::spawn(move || remote.wake().expect("wake"));
//!
//! poll.poll(&mut events, None)?;
//! let event = events.iter().next().expect("one event");
//! assert_eq!(event.token(), Token(10));
//! assert!(event.is_readable());
//! t.join().unwrap();
//! # Ok::<(), std::io::Error>(())
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod atomic_waker;
pub mod error;
pub mod event;
mod interest;
mod io_source;
mod loom;
pub mod net;
mod poll;
pub mod sync;
mod sys;
mod token;
#[cfg(unix)]
pub mod unix;
#[cfg(not(unix))]
mod unsupported;
mod waker;
#[cfg(windows)]
pub mod windows;

/// Pipes as event sources under a name that exists on every platform: `unix::pipe` on Unix;
/// elsewhere [`pipe::new`] fails with `Unsupported` (code `ENOTSUP`).
pub mod pipe {
    #[cfg(unix)]
    pub use crate::unix::pipe::{new, Receiver, Sender};
    #[cfg(not(unix))]
    pub use crate::unsupported::pipe::{new, Receiver, Sender};
}

pub use atomic_waker::AtomicWaker;
pub use event::Events;
pub use interest::Interest;
pub use poll::{Poll, Registry};
pub use token::Token;
pub use waker::Waker;
