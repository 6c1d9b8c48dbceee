//! Unix pipes as event sources — mio's `unix::pipe`.
//!
//! [`new`] makes a pipe whose ends are non-blocking and close-on-exec. Each end is a source
//! of its own: register the [`Receiver`] for [`READABLE`](crate::Interest::READABLE) and the
//! [`Sender`] for [`WRITABLE`](crate::Interest::WRITABLE). When the sender is dropped the
//! receiver reports read-closed (and reads return `Ok(0)` once drained); when the receiver is
//! dropped the sender reports write-closed (and writes fail with `EPIPE` — or, in a process
//! that does not ignore SIGPIPE, raise it, as for any pipe).
//!
//! ```
//! use std::io::{Read, Write};
//! use std::time::Duration;
//! use wakepoll::unix::pipe;
//! use wakepoll::{Events, Interest, Poll, Token};
//!
//! let mut poll = Poll::new()?;
//! let mut events = Events::with_capacity(8);
//! let (mut sender, mut receiver) = pipe::new()?;
//! poll.registry().register(&mut receiver, Token(1), Interest::READABLE)?;
//! sender.write_all(b"hello")?;
//! poll.poll(&mut events, Some(Duration::from_secs(5)))?;
//! let mut buf = [0; 8];
//! assert_eq!(receiver.read(&mut buf)?, 5);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::process::{ChildStderr, ChildStdin, ChildStdout};

use crate::io_source::{io_impls, io_source_impls, IoSource};
use crate::sys;

/// Creates a new pipe: `(sender, receiver)`, both non-blocking and close-on-exec.
pub fn new() -> io::Result<(Sender, Receiver)> {
    let (w, r) = sys::pipe::new()?;
    Ok((Sender::from(w), Receiver::from(r)))
}

/// The sending (write) end of a pipe. [`Write`](io::Write) is implemented for `Sender` and
/// `&Sender`.
pub struct Sender {
    inner: IoSource,
}

/// The receiving (read) end of a pipe. [`Read`](io::Read) is implemented for `Receiver` and
/// `&Receiver`.
pub struct Receiver {
    inner: IoSource,
}

impl Sender {
    /// Puts this end in (or out of) non-blocking mode. A blocking end must not be used with a
    /// [`Poll`](crate::Poll); this is for handing it to code that expects blocking I/O.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        sys::io::set_nonblocking(self.inner.as_fd(), nonblocking)
    }

    /// Runs `f`, an I/O operation made directly on this end's fd, as mio does; with epoll
    /// this only calls `f` (see [`TcpStream::try_io`](crate::net::TcpStream::try_io)).
    pub fn try_io<F, T>(&self, f: F) -> io::Result<T>
    where
        F: FnOnce() -> io::Result<T>,
    {
        f()
    }
}

impl Receiver {
    /// Puts this end in (or out of) non-blocking mode. A blocking end must not be used with a
    /// [`Poll`](crate::Poll); this is for handing it to code that expects blocking I/O.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        sys::io::set_nonblocking(self.inner.as_fd(), nonblocking)
    }

    /// Runs `f`, an I/O operation made directly on this end's fd, as mio does; with epoll
    /// this only calls `f` (see [`TcpStream::try_io`](crate::net::TcpStream::try_io)).
    pub fn try_io<F, T>(&self, f: F) -> io::Result<T>
    where
        F: FnOnce() -> io::Result<T>,
    {
        f()
    }
}

io_source_impls!(Sender);
io_impls!(Sender: write = sys::io::write, write_vectored = sys::io::write_vectored);
io_source_impls!(Receiver);
io_impls!(Receiver: read = sys::io::read, read_vectored = sys::io::read_vectored);

/// A child's stdin pipe, as it is (blocking): call
/// [`set_nonblocking(true)`](Sender::set_nonblocking) before registering it.
impl From<ChildStdin> for Sender {
    fn from(stdin: ChildStdin) -> Sender {
        Sender::from(OwnedFd::from(stdin))
    }
}

/// A child's stdout pipe, as it is (blocking): call
/// [`set_nonblocking(true)`](Receiver::set_nonblocking) before registering it.
impl From<ChildStdout> for Receiver {
    fn from(stdout: ChildStdout) -> Receiver {
        Receiver::from(OwnedFd::from(stdout))
    }
}

/// A child's stderr pipe, as it is (blocking): call
/// [`set_nonblocking(true)`](Receiver::set_nonblocking) before registering it.
impl From<ChildStderr> for Receiver {
    fn from(stderr: ChildStderr) -> Receiver {
        Receiver::from(OwnedFd::from(stderr))
    }
}
