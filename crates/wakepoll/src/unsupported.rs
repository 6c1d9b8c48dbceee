//! The Unix-only sources under platform-neutral names, where the platform lacks them.
//!
//! Code that serves every platform (wakepoll's Node binding) names `net::UnixStream` or
//! `pipe::new` without `cfg`: here they exist, their constructors fail with an error of kind
//! `Unsupported` (code `ENOTSUP`, naming the call), and no value of them can be made, so
//! every method is unreachable (`match self.0 {}`) and costs nothing.

use std::io;
use std::net::Shutdown;
use std::path::Path;

use crate::event::{AsRawSource, IntoRawSource, RawSource, Source};
use crate::{error, Interest, Registry, Token};

/// No value: the types below cannot be constructed.
#[derive(Debug, Clone, Copy)]
enum Void {}

fn unsupported<T>(call: &'static str) -> io::Result<T> {
    Err(error::unsupported(
        call,
        "not available on this platform (Unix only)",
    ))
}

/// The address of a Unix domain socket (`std::os::unix::net::SocketAddr` on Unix).
#[derive(Debug, Clone)]
pub struct UnixSocketAddr(Void);

impl UnixSocketAddr {
    /// The path, if the address is one.
    pub fn as_pathname(&self) -> Option<&Path> {
        match self.0 {}
    }
}

/// Implements what every stub source shares.
macro_rules! stub_source {
    ($ty:ident) => {
        impl Source for $ty {
            fn register(&mut self, _: &Registry, _: Token, _: Interest) -> io::Result<()> {
                match self.0 {}
            }
            fn reregister(&mut self, _: &Registry, _: Token, _: Interest) -> io::Result<()> {
                match self.0 {}
            }
            fn deregister(&mut self, _: &Registry) -> io::Result<()> {
                match self.0 {}
            }
        }

        impl Source for &$ty {
            fn register(&mut self, _: &Registry, _: Token, _: Interest) -> io::Result<()> {
                match self.0 {}
            }
            fn reregister(&mut self, _: &Registry, _: Token, _: Interest) -> io::Result<()> {
                match self.0 {}
            }
            fn deregister(&mut self, _: &Registry) -> io::Result<()> {
                match self.0 {}
            }
        }

        impl AsRawSource for $ty {
            fn as_raw_source(&self) -> RawSource {
                match self.0 {}
            }
        }

        impl IntoRawSource for $ty {
            fn into_raw_source(self) -> RawSource {
                match self.0 {}
            }
        }
    };
}

/// A Unix socket's adoption from a descriptor: refused, there are none here.
macro_rules! stub_adopt {
    ($ty:ident) => {
        impl $ty {
            /// Fails: `Unsupported` (`ENOTSUP`); sockets cross processes here with
            /// `duplicate_for` / `from_duplicate` of the IP socket types.
            ///
            /// # Safety
            /// Nothing is taken; `unsafe` only to match the Unix signature.
            pub unsafe fn from_raw_descriptor(_raw: i64) -> io::Result<$ty> {
                Err(error::unsupported(
                    "getsockopt",
                    "Unix domain sockets are not available on this platform: pass IP sockets to \
                     another process with duplicateFor(pid) and fromDuplicate(text) instead",
                ))
            }
        }
    };
}

/// Implements `Read`/`Write` for `T` and `&T` of a stub stream.
macro_rules! stub_io {
    ($ty:ident) => {
        impl io::Read for $ty {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                match self.0 {}
            }
        }
        impl io::Read for &$ty {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                match self.0 {}
            }
        }
        impl io::Write for $ty {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                match self.0 {}
            }
            fn flush(&mut self) -> io::Result<()> {
                match self.0 {}
            }
        }
        impl io::Write for &$ty {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                match self.0 {}
            }
            fn flush(&mut self) -> io::Result<()> {
                match self.0 {}
            }
        }
    };
}

/// A Unix domain stream listener; on this platform [`bind`](UnixListener::bind) fails.
#[derive(Debug)]
pub struct UnixListener(Void);
stub_source!(UnixListener);
stub_adopt!(UnixListener);

impl UnixListener {
    /// Fails: `Unsupported` (`ENOTSUP`).
    pub fn bind<P: AsRef<Path>>(_path: P) -> io::Result<UnixListener> {
        unsupported("bind")
    }

    /// Fails: `Unsupported` (`ENOTSUP`).
    pub fn bind_with_backlog<P: AsRef<Path>>(_path: P, _backlog: u32) -> io::Result<UnixListener> {
        unsupported("bind")
    }

    /// Unreachable: no listener exists.
    pub fn accept(&self) -> io::Result<(UnixStream, UnixSocketAddr)> {
        match self.0 {}
    }

    /// Unreachable: no listener exists.
    pub fn local_addr(&self) -> io::Result<UnixSocketAddr> {
        match self.0 {}
    }

    /// Unreachable: no listener exists.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self.0 {}
    }
}

/// A Unix domain stream socket; on this platform its constructors fail.
#[derive(Debug)]
pub struct UnixStream(Void);
stub_source!(UnixStream);
stub_adopt!(UnixStream);
stub_io!(UnixStream);

impl UnixStream {
    /// Fails: `Unsupported` (`ENOTSUP`).
    pub fn connect<P: AsRef<Path>>(_path: P) -> io::Result<UnixStream> {
        unsupported("connect")
    }

    /// Fails: `Unsupported` (`ENOTSUP`).
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        unsupported("socketpair")
    }

    /// Unreachable: no stream exists.
    pub fn local_addr(&self) -> io::Result<UnixSocketAddr> {
        match self.0 {}
    }

    /// Unreachable: no stream exists.
    pub fn peer_addr(&self) -> io::Result<UnixSocketAddr> {
        match self.0 {}
    }

    /// Unreachable: no stream exists.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self.0 {}
    }

    /// Unreachable: no stream exists.
    pub fn shutdown(&self, _how: Shutdown) -> io::Result<()> {
        match self.0 {}
    }

    /// Unreachable: no stream exists.
    pub fn send_with_fds(&self, _buf: &[u8], _fds: &[RawSource]) -> io::Result<usize> {
        match self.0 {}
    }

    /// Unreachable: no stream exists.
    pub fn recv_with_fds(
        &self,
        _buf: &mut [u8],
        _fds: &mut [RawSource],
    ) -> io::Result<(usize, usize)> {
        match self.0 {}
    }
}

/// A Unix domain datagram socket; on this platform its constructors fail.
#[derive(Debug)]
pub struct UnixDatagram(Void);
stub_source!(UnixDatagram);
stub_adopt!(UnixDatagram);

impl UnixDatagram {
    /// Fails: `Unsupported` (`ENOTSUP`).
    pub fn bind<P: AsRef<Path>>(_path: P) -> io::Result<UnixDatagram> {
        unsupported("bind")
    }

    /// Fails: `Unsupported` (`ENOTSUP`).
    pub fn unbound() -> io::Result<UnixDatagram> {
        unsupported("socket")
    }

    /// Fails: `Unsupported` (`ENOTSUP`).
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        unsupported("socketpair")
    }

    /// Unreachable: no socket exists.
    pub fn connect<P: AsRef<Path>>(&self, _path: P) -> io::Result<()> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn local_addr(&self) -> io::Result<UnixSocketAddr> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn peer_addr(&self) -> io::Result<UnixSocketAddr> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn recv_from(&self, _buf: &mut [u8]) -> io::Result<(usize, UnixSocketAddr)> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn recv(&self, _buf: &mut [u8]) -> io::Result<usize> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn send_to<P: AsRef<Path>>(&self, _buf: &[u8], _path: P) -> io::Result<usize> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn send(&self, _buf: &[u8]) -> io::Result<usize> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn shutdown(&self, _how: Shutdown) -> io::Result<()> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn send_with_fds(&self, _buf: &[u8], _fds: &[RawSource]) -> io::Result<usize> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn send_to_with_fds<P: AsRef<Path>>(
        &self,
        _buf: &[u8],
        _path: P,
        _fds: &[RawSource],
    ) -> io::Result<usize> {
        match self.0 {}
    }

    /// Unreachable: no socket exists.
    pub fn recv_with_fds(
        &self,
        _buf: &mut [u8],
        _fds: &mut [RawSource],
    ) -> io::Result<(usize, usize)> {
        match self.0 {}
    }
}

/// Pipes (`unix::pipe` on Unix); on this platform [`new`](pipe::new) fails.
pub mod pipe {
    use std::io;

    use super::{unsupported, Void};
    use crate::event::{AsRawSource, IntoRawSource, RawSource, Source};
    use crate::{Interest, Registry, Token};

    /// Fails: `Unsupported` (`ENOTSUP`).
    pub fn new() -> io::Result<(Sender, Receiver)> {
        unsupported("pipe")
    }

    /// The sending end of a pipe; none can exist on this platform.
    #[derive(Debug)]
    pub struct Sender(Void);
    stub_source!(Sender);
    stub_io!(Sender);

    /// The receiving end of a pipe; none can exist on this platform.
    #[derive(Debug)]
    pub struct Receiver(Void);
    stub_source!(Receiver);
    stub_io!(Receiver);
}
