//! Networking sources, with mio 1.x's API: TCP and UDP everywhere, Unix domain sockets on
//! Unix (elsewhere their constructors fail with `Unsupported`, code `ENOTSUP`).
//!
//! Every socket here is created non-blocking and close-on-exec, implements
//! [`event::Source`](crate::event::Source) (for `T` and `&T`), belongs to one
//! [`Poll`](crate::Poll) at a time (registering it with a second one is `AlreadyExists`,
//! `EEXIST`), and ends its registration when dropped. Registrations are edge-triggered: after
//! an event, read, write or accept until [`WouldBlock`](std::io::ErrorKind::WouldBlock).
//!
//! OS failures are [`io::Error`](std::io::Error)s wrapping a
//! [`SysError`](crate::error::SysError) that names the system call (`"connect"`, `"recv"`,
//! `"accept4"`, …); `WouldBlock` is an error of that kind like any other, so that callers who
//! only match on [`ErrorKind`](std::io::ErrorKind) work as with mio. As with every wakepoll
//! error, `raw_os_error()` is `None` for them: read the errno with
//! [`error::errno`](crate::error::errno).
//!
//! Descriptors come in and go out: every socket type adopts one made elsewhere after checking
//! its kind (`from_raw_descriptor`, [`AnySocket`]), [`listen_fds`] finds those of socket
//! activation, every socket and pipe end gives its handle up with
//! [`IntoRawSource`](crate::event::IntoRawSource), Unix sockets pass descriptors to another
//! process (`send_with_fds` / `recv_with_fds`, `SCM_RIGHTS`), and on Windows IP sockets cross
//! processes with `duplicate_for` / `from_duplicate`.
//!
//! All of them are `Send` and `Sync`; reads and writes take `&self` through the `&T` impls of
//! [`Read`](std::io::Read) and [`Write`](std::io::Write), so one socket can be shared (in an
//! `Arc`) by the threads that read, write and register it.

pub(crate) mod adopt;
mod duplicate;
mod listen_fds;
mod tcp;
mod udp;
#[cfg(unix)]
mod uds;

pub use self::adopt::{socket_kind, AnySocket, SocketKind};
pub use self::listen_fds::{listen_fds, ListenFd};
pub use self::tcp::{ListenOptions, TcpListener, TcpStream};
pub use self::udp::UdpSocket;
#[cfg(unix)]
pub use self::uds::{UnixDatagram, UnixListener, UnixStream};
/// The address of a Unix domain socket, under a name that exists on every platform.
#[cfg(unix)]
pub use std::os::unix::net::SocketAddr as UnixSocketAddr;
/// The most descriptors one `send_with_fds` carries (253, Linux's `SCM_MAX_FD`; the same
/// everywhere on Unix); 0 on Windows, which has no descriptor passing.
pub const MAX_FDS_PER_MESSAGE: usize = crate::sys::MAX_FDS_PER_MESSAGE;
// Elsewhere the same names exist, so that code for every platform needs no `cfg`; their
// constructors fail with `Unsupported` (see unsupported.rs).
#[cfg(not(unix))]
pub use crate::unsupported::{UnixDatagram, UnixListener, UnixSocketAddr, UnixStream};
