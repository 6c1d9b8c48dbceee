//! Sockets made elsewhere: checked adoption of a raw descriptor (`from_raw_descriptor`), and
//! [`AnySocket`], a socket of whichever kind a descriptor turns out to be.
//!
//! mio's `FromRawFd` takes any fd on trust; a server that is handed its sockets (by systemd,
//! inetd, another process over `SCM_RIGHTS`) wants to know first. Adoption here asks the OS
//! what the descriptor is — its type (`SO_TYPE`), its address family (`getsockname`: IP or
//! Unix), whether it listens (`SO_ACCEPTCONN`); on Windows the socket's protocol info — and
//! takes it only if it is the kind asked for. Until then nothing about the descriptor changes:
//! a refused one is left open, with its flags as they were.

use std::borrow::Cow;
use std::io;

use crate::error;
use crate::event::{IntoRawSource, RawSource};
use crate::net::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream};
use crate::sys;

/// The kinds of socket wakepoll has a type for, as [`AnySocket`] and adoption tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SocketKind {
    /// A listening TCP socket (IPv4 or IPv6): [`TcpListener`].
    TcpListener,
    /// A TCP socket that does not listen (connected or not): [`TcpStream`].
    TcpStream,
    /// A UDP socket: [`UdpSocket`].
    UdpSocket,
    /// A listening Unix stream socket: [`UnixListener`].
    UnixListener,
    /// A Unix stream socket that does not listen: [`UnixStream`].
    UnixStream,
    /// A Unix datagram socket: [`UnixDatagram`].
    UnixDatagram,
}

impl SocketKind {
    /// The name of wakepoll's type for this kind (`"TcpListener"`).
    pub fn type_name(self) -> &'static str {
        match self {
            SocketKind::TcpListener => "TcpListener",
            SocketKind::TcpStream => "TcpStream",
            SocketKind::UdpSocket => "UdpSocket",
            SocketKind::UnixListener => "UnixListener",
            SocketKind::UnixStream => "UnixStream",
            SocketKind::UnixDatagram => "UnixDatagram",
        }
    }

    /// What a socket of this kind is, in words (`"a listening TCP socket"`).
    pub fn description(self) -> &'static str {
        match self {
            SocketKind::TcpListener => "a listening TCP socket",
            SocketKind::TcpStream => "a TCP stream socket that does not listen",
            SocketKind::UdpSocket => "a UDP socket",
            SocketKind::UnixListener => "a listening Unix stream socket",
            SocketKind::UnixStream => "a Unix stream socket that does not listen",
            SocketKind::UnixDatagram => "a Unix datagram socket",
        }
    }

    fn is_unix(self) -> bool {
        matches!(
            self,
            SocketKind::UnixListener | SocketKind::UnixStream | SocketKind::UnixDatagram
        )
    }
}

/// What a descriptor turned out to be: one of wakepoll's kinds, or (`Err`) a description of
/// the other thing it is (`"a Unix seqpacket socket"`).
pub(crate) type Classified = Result<SocketKind, &'static str>;

/// The kind of the open socket `raw`, found without changing or taking it. `EBADF` for a
/// closed descriptor (on Windows a closed handle is `ENOTSOCK`), `ENOTSOCK` for one that is
/// not a socket, `EINVAL` naming what it is for a socket of no kind wakepoll has.
pub fn socket_kind(raw: RawSource) -> io::Result<SocketKind> {
    match sys::adopt::classify(raw)? {
        Ok(kind) => Ok(kind),
        Err(other) => Err(error::with_description(
            "getsockopt",
            sys::adopt::EINVAL,
            Cow::Owned(format!(
                "the descriptor is {other}, no socket wakepoll has a type for"
            )),
        )),
    }
}

/// Takes ownership of the open socket `raw` if it is of kind `expected`, making it
/// non-blocking and close-on-exec (on Windows: not inheritable). Any error leaves `raw` open
/// and as it was.
///
/// # Safety
/// When this succeeds, `raw` is the returned handle's: the caller must own it and not use it
/// afterwards.
pub(crate) unsafe fn adopt(raw: i64, expected: SocketKind) -> io::Result<sys::OwnedSource> {
    let raw = sys::adopt::raw_descriptor(raw)?;
    let found = sys::adopt::classify(raw)?;
    if found != Ok(expected) {
        return Err(mismatch(found, expected));
    }
    // SAFETY: forwarded: the caller hands `raw` over, and it is an open socket (just checked).
    unsafe { sys::adopt::take(raw) }
}

/// `EINVAL` naming what the descriptor is and what it should have been.
pub(crate) fn mismatch(found: Classified, expected: SocketKind) -> io::Error {
    let what = match found {
        Ok(kind) => kind.description(),
        Err(other) => other,
    };
    // The call that told them apart: the address family comes from getsockname, the type and
    // listening state from getsockopt.
    let syscall = match found {
        Ok(kind) if kind.is_unix() != expected.is_unix() => "getsockname",
        _ => "getsockopt",
    };
    error::with_description(
        syscall,
        sys::adopt::EINVAL,
        Cow::Owned(format!(
            "the descriptor is {what}, not {} (a {})",
            expected.description(),
            expected.type_name()
        )),
    )
}

/// A socket of any of wakepoll's kinds: what a descriptor of unknown kind is adopted as
/// ([`from_raw_descriptor`](AnySocket::from_raw_descriptor),
/// [`listen_fds`](crate::net::listen_fds)).
#[derive(Debug)]
pub enum AnySocket {
    /// A listening TCP socket.
    TcpListener(TcpListener),
    /// A TCP stream (an `Accept=yes` socket unit's connection, say).
    TcpStream(TcpStream),
    /// A UDP socket.
    UdpSocket(UdpSocket),
    /// A listening Unix stream socket.
    UnixListener(UnixListener),
    /// A Unix stream socket.
    UnixStream(UnixStream),
    /// A Unix datagram socket.
    UnixDatagram(UnixDatagram),
}

impl AnySocket {
    /// Takes ownership of the open socket `raw`, whichever of wakepoll's kinds it is (see
    /// [`socket_kind`]), making it non-blocking and close-on-exec. A descriptor that is not
    /// one of them is refused (`EBADF`, `ENOTSOCK`, `EINVAL`) and left open and as it was.
    ///
    /// # Safety
    /// When this succeeds, `raw` belongs to the returned socket, which closes it when
    /// dropped: the caller must own it and not use or close it afterwards.
    pub unsafe fn from_raw_descriptor(raw: i64) -> io::Result<AnySocket> {
        let kind = socket_kind(sys::adopt::raw_descriptor(raw)?)?;
        // SAFETY (each arm): forwarded; the kind was just read, and each type checks it again.
        unsafe {
            Ok(match kind {
                SocketKind::TcpListener => {
                    AnySocket::TcpListener(TcpListener::from_raw_descriptor(raw)?)
                }
                SocketKind::TcpStream => AnySocket::TcpStream(TcpStream::from_raw_descriptor(raw)?),
                SocketKind::UdpSocket => AnySocket::UdpSocket(UdpSocket::from_raw_descriptor(raw)?),
                SocketKind::UnixListener => {
                    AnySocket::UnixListener(UnixListener::from_raw_descriptor(raw)?)
                }
                SocketKind::UnixStream => {
                    AnySocket::UnixStream(UnixStream::from_raw_descriptor(raw)?)
                }
                SocketKind::UnixDatagram => {
                    AnySocket::UnixDatagram(UnixDatagram::from_raw_descriptor(raw)?)
                }
            })
        }
    }

    /// Which kind it is.
    pub fn kind(&self) -> SocketKind {
        match self {
            AnySocket::TcpListener(_) => SocketKind::TcpListener,
            AnySocket::TcpStream(_) => SocketKind::TcpStream,
            AnySocket::UdpSocket(_) => SocketKind::UdpSocket,
            AnySocket::UnixListener(_) => SocketKind::UnixListener,
            AnySocket::UnixStream(_) => SocketKind::UnixStream,
            AnySocket::UnixDatagram(_) => SocketKind::UnixDatagram,
        }
    }
}

/// Ends any registration, then gives the (still open) descriptor to the caller.
impl IntoRawSource for AnySocket {
    fn into_raw_source(self) -> RawSource {
        match self {
            AnySocket::TcpListener(s) => s.into_raw_source(),
            AnySocket::TcpStream(s) => s.into_raw_source(),
            AnySocket::UdpSocket(s) => s.into_raw_source(),
            AnySocket::UnixListener(s) => s.into_raw_source(),
            AnySocket::UnixStream(s) => s.into_raw_source(),
            AnySocket::UnixDatagram(s) => s.into_raw_source(),
        }
    }
}

/// `from_raw_descriptor` for a socket type whose kind is `$kind`.
macro_rules! adopt_impl {
    ($ty:ident, $kind:ident) => {
        impl $ty {
            #[doc = concat!(
                "Takes ownership of an open socket made elsewhere (inherited, received over `SCM_RIGHTS`, ",
                "passed by a supervisor) if it is a `", stringify!($ty), "`'s kind, and makes it ",
                "non-blocking and close-on-exec (on Windows: not inheritable) — a checked `FromRawFd`."
            )]
            ///
            /// `raw` is an fd on Unix, a `SOCKET` handle value on Windows. Before anything
            /// changes, the OS is asked what it is (its type, its address family, whether it
            /// listens); a descriptor of another kind is `EINVAL` (the message names what it
            /// is), one that is not a socket `ENOTSOCK`, a closed one `EBADF` (`ENOTSOCK` on
            /// Windows), and in every such case it is left open and as it was.
            ///
            /// # Safety
            /// When this succeeds, `raw` belongs to the returned socket, which closes it when
            /// dropped: the caller must own it and not use or close it afterwards.
            pub unsafe fn from_raw_descriptor(raw: i64) -> ::std::io::Result<$ty> {
                // SAFETY: forwarded: the caller hands `raw` over.
                let owned = unsafe { $crate::net::adopt::adopt(raw, $crate::net::SocketKind::$kind) }?;
                Ok($ty::from(owned))
            }
        }
    };
}
pub(crate) use adopt_impl;
