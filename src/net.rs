//! Sockets: every socket and pipe end of `wakepoll::net` / `wakepoll::unix::pipe`, one [`Sock`]
//! enum in the [`SOCKETS`] slab (slots.rs); lib/net.ts gives each kind its own JavaScript
//! class, a plain object holding the key. Nothing native is made per object, so `accept()`,
//! `connect`, `pair()` and `recvFrom` in a thread that never returns to its event loop keep
//! its memory flat.
//!
//! `close()` removes the socket from its slot (dropping it ends its registration, then closes
//! the fd); so does `detach()`, which moves it into the handle table for another worker:
//! `fromHandle` takes it out of the table again (into a new slot), so a handle is good for one
//! `fromHandle` only. A socket object collected without `close()` is removed by lib/net.ts's
//! FinalizationRegistry; those its thread still owns when it ends, by lib.rs's teardown.
//!
//! The hot calls (`read`/`recv`, `write`/`send`) are raw Node-API callbacks (`netRead`,
//! `netWrite`, see fast.rs for why): they borrow the Uint8Array's memory for the synchronous
//! call and return the byte count, or `null` on `WouldBlock` without making an error object.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr};
use std::os::raw::c_void;
use std::ptr;
use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::{ToNapiValue, Uint8ArraySlice, Unknown};
use napi::{sys, Env};
use napi_derive::napi;
use wakepoll::event::AsRawSource;
// The Unix kinds and pipes exist under these names on every platform; where the OS lacks them
// (Windows) their constructors fail with ENOTSUP, and no value of them can exist.
use wakepoll::net::{
    ListenOptions, TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixSocketAddr,
    UnixStream,
};
use wakepoll::pipe;
use wakepoll::{Interest, Registry, Token};

use crate::errors::{self, Class};
use crate::handles::{self, Kind, Lookup};
use crate::napi_raw;
use crate::slots::{self, Slab};

/// Every open socket and pipe end of the process.
pub(crate) static SOCKETS: Slab<Sock> = Slab::new();

pub(crate) enum Sock {
    TcpListener(TcpListener),
    TcpStream(TcpStream),
    UdpSocket(UdpSocket),
    UnixListener(UnixListener),
    UnixStream(UnixStream),
    UnixDatagram(UnixDatagram),
    PipeSender(pipe::Sender),
    PipeReceiver(pipe::Receiver),
}

/// Runs `$body` with `$s` bound to the inner socket, whatever its kind.
macro_rules! each {
    ($sock:expr, $s:ident => $body:expr) => {
        match $sock {
            Sock::TcpListener($s) => $body,
            Sock::TcpStream($s) => $body,
            Sock::UdpSocket($s) => $body,
            Sock::UnixListener($s) => $body,
            Sock::UnixStream($s) => $body,
            Sock::UnixDatagram($s) => $body,
            Sock::PipeSender($s) => $body,
            Sock::PipeReceiver($s) => $body,
        }
    };
}
pub(crate) use each;

impl Sock {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Sock::TcpListener(_) => "TcpListener",
            Sock::TcpStream(_) => "TcpStream",
            Sock::UdpSocket(_) => "UdpSocket",
            Sock::UnixListener(_) => "UnixListener",
            Sock::UnixStream(_) => "UnixStream",
            Sock::UnixDatagram(_) => "UnixDatagram",
            Sock::PipeSender(_) => "PipeSender",
            Sock::PipeReceiver(_) => "PipeReceiver",
        }
    }

    fn read(&self, buf: &mut [u8]) -> Option<io::Result<usize>> {
        Some(match self {
            Sock::TcpStream(s) => (&*s).read(buf),
            Sock::UnixStream(s) => (&*s).read(buf),
            Sock::PipeReceiver(s) => (&*s).read(buf),
            Sock::UdpSocket(s) => s.recv(buf),
            Sock::UnixDatagram(s) => s.recv(buf),
            _ => return None,
        })
    }

    fn write(&self, buf: &[u8]) -> Option<io::Result<usize>> {
        Some(match self {
            Sock::TcpStream(s) => (&*s).write(buf),
            Sock::UnixStream(s) => (&*s).write(buf),
            Sock::PipeSender(s) => (&*s).write(buf),
            Sock::UdpSocket(s) => s.send(buf),
            Sock::UnixDatagram(s) => s.send(buf),
            _ => return None,
        })
    }

    pub(crate) fn register(
        &self,
        registry: &Registry,
        token: Token,
        interest: Interest,
    ) -> io::Result<()> {
        each!(self, s => registry.register(&mut &*s, token, interest))
    }

    pub(crate) fn reregister(
        &self,
        registry: &Registry,
        token: Token,
        interest: Interest,
    ) -> io::Result<()> {
        each!(self, s => registry.reregister(&mut &*s, token, interest))
    }

    pub(crate) fn deregister(&self, registry: &Registry) -> io::Result<()> {
        each!(self, s => registry.deregister(&mut &*s))
    }
}

/// A socket moved into the handle table by `detach()`, until `fromHandle` takes it.
struct Detached {
    kind: &'static str,
    sock: Mutex<Option<Sock>>,
}

/// Runs `f` with the open socket of `key`, or fails with `ERR_CLOSED`.
pub(crate) fn with<T>(
    env: &Env,
    key: f64,
    f: impl FnOnce(&Sock) -> napi::Result<T>,
) -> napi::Result<T> {
    match slots::key(key).and_then(|key| SOCKETS.borrow(key)) {
        Some(sock) => f(&sock),
        None => Err(closed(env)),
    }
}

pub(crate) fn closed(env: &Env) -> napi::Error {
    errors::closed(env, "socket")
}

pub(crate) fn insert(env: &Env, sock: Sock) -> napi::Result<f64> {
    SOCKETS
        .insert(sock)
        .map(|key| key as f64)
        .ok_or_else(|| slots::full(env, "socket"))
}

/// An address as the binding hands it to lib/net.ts (which shapes it like node:net's).
#[napi(object)]
pub struct RawAddress {
    /// `IPv4`, `IPv6` or `unix`.
    pub family: String,
    pub address: String,
    pub port: u32,
    /// A unix socket's path; absent when unnamed (or abstract).
    pub path: Option<String>,
}

/// What `accept` took: the new stream's key and its peer's address.
#[napi(object)]
pub struct Accepted {
    pub key: f64,
    pub address: RawAddress,
}

/// What `recvFrom` received.
#[napi(object)]
pub struct Received {
    pub bytes: u32,
    pub address: RawAddress,
}

fn inet(addr: SocketAddr) -> RawAddress {
    RawAddress {
        family: if addr.is_ipv4() { "IPv4" } else { "IPv6" }.to_owned(),
        address: addr.ip().to_string(),
        port: u32::from(addr.port()),
        path: None,
    }
}

fn unix(addr: &UnixSocketAddr) -> RawAddress {
    RawAddress {
        family: "unix".to_owned(),
        address: String::new(),
        port: 0,
        path: addr.as_pathname().map(|p| p.to_string_lossy().into_owned()),
    }
}

fn socket_addr(env: &Env, ip: &str, port: u32) -> napi::Result<SocketAddr> {
    let ip: IpAddr = ip.parse().map_err(|_| {
        errors::js_error(
            env,
            Class::TypeError,
            "ERR_INVALID_ARG_VALUE",
            &format!("The argument 'address' must be an IP address. Received '{ip}'"),
        )
    })?;
    let port =
        u16::try_from(port).map_err(|_| errors::out_of_range(env, "port", ">= 0 && <= 65535"))?;
    Ok(SocketAddr::new(ip, port))
}

/// Retries `EINTR`; `Ok(None)` on `WouldBlock`.
pub(crate) fn nonblocking<T>(mut f: impl FnMut() -> io::Result<T>) -> io::Result<Option<T>> {
    loop {
        match f() {
            Ok(v) => return Ok(Some(v)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

pub(crate) fn unsupported(env: &Env, kind: &str, what: &str) -> napi::Error {
    errors::js_error(
        env,
        Class::TypeError,
        "ERR_INVALID_ARG_TYPE",
        &format!("a {kind} has no {what}"),
    )
}

pub(crate) fn sys<T>(env: &Env, r: io::Result<T>) -> napi::Result<T> {
    r.map_err(|e| errors::system(env, &e))
}

#[napi]
pub fn socket_tcp_listener_bind(
    env: Env,
    ip: String,
    port: u32,
    backlog: u32,
    reuse_port: bool,
    ipv6_only: Option<bool>,
) -> napi::Result<f64> {
    let addr = socket_addr(&env, &ip, port)?;
    let options = ListenOptions {
        backlog,
        reuse_port,
        ipv6_only,
    };
    let sock = Sock::TcpListener(sys(&env, TcpListener::bind_with(addr, &options))?);
    insert(&env, sock)
}

#[napi]
pub fn socket_tcp_stream_connect(env: Env, ip: String, port: u32) -> napi::Result<f64> {
    let addr = socket_addr(&env, &ip, port)?;
    let sock = Sock::TcpStream(sys(&env, TcpStream::connect(addr))?);
    insert(&env, sock)
}

#[napi]
pub fn socket_udp_bind(env: Env, ip: String, port: u32) -> napi::Result<f64> {
    let addr = socket_addr(&env, &ip, port)?;
    let sock = Sock::UdpSocket(sys(&env, UdpSocket::bind(addr))?);
    insert(&env, sock)
}

#[napi]
pub fn socket_unix_listener_bind(env: Env, path: String, backlog: u32) -> napi::Result<f64> {
    let sock = Sock::UnixListener(sys(&env, UnixListener::bind_with_backlog(path, backlog))?);
    insert(&env, sock)
}

#[napi]
pub fn socket_unix_stream_connect(env: Env, path: String) -> napi::Result<f64> {
    let sock = Sock::UnixStream(sys(&env, UnixStream::connect(path))?);
    insert(&env, sock)
}

#[napi]
pub fn socket_unix_datagram_bind(env: Env, path: String) -> napi::Result<f64> {
    let sock = Sock::UnixDatagram(sys(&env, UnixDatagram::bind(path))?);
    insert(&env, sock)
}

#[napi]
pub fn socket_unix_datagram_unbound(env: Env) -> napi::Result<f64> {
    let sock = Sock::UnixDatagram(sys(&env, UnixDatagram::unbound())?);
    insert(&env, sock)
}

/// Inserts both or neither.
fn insert_two(env: &Env, a: Sock, b: Sock) -> napi::Result<Vec<f64>> {
    let a = insert(env, a)?;
    match insert(env, b) {
        Ok(b) => Ok(vec![a, b]),
        Err(err) => {
            socket_close(a);
            Err(err)
        }
    }
}

/// The keys `[a, b]` of a connected pair: `stream` → UnixStream, else UnixDatagram.
#[napi]
pub fn socket_unix_pair(env: Env, stream: bool) -> napi::Result<Vec<f64>> {
    let (a, b) = if stream {
        let (a, b) = sys(&env, UnixStream::pair())?;
        (Sock::UnixStream(a), Sock::UnixStream(b))
    } else {
        let (a, b) = sys(&env, UnixDatagram::pair())?;
        (Sock::UnixDatagram(a), Sock::UnixDatagram(b))
    };
    insert_two(&env, a, b)
}

/// The keys `[sender, receiver]` of a new pipe.
#[napi]
pub fn socket_pipe(env: Env) -> napi::Result<Vec<f64>> {
    let (tx, rx) = sys(&env, pipe::new())?;
    insert_two(&env, Sock::PipeSender(tx), Sock::PipeReceiver(rx))
}

/// Takes the socket moved into the table by `detach()` (into a new slot: its key); it must be
/// of `kind`.
#[napi]
pub fn socket_from_handle(env: Env, handle: String, kind: String) -> napi::Result<f64> {
    let detached = match handles::lookup::<Detached>(Kind::Socket, &handle) {
        Ok(detached) => detached,
        Err(Lookup::Invalid) => return Err(errors::invalid_handle(&env, &kind)),
        Err(Lookup::Closed) => return Err(errors::closed(&env, &kind)),
    };
    if detached.kind != kind {
        return Err(errors::invalid_handle(&env, &kind));
    }
    if let Some(id) = handles::parse(Kind::Socket, &handle) {
        handles::remove(id);
    }
    let sock = detached
        .sock
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    match sock {
        Some(sock) => insert(&env, sock),
        None => Err(errors::closed(&env, &kind)),
    }
}

/// Moves the socket into the handle table (this key is closed from now on) and returns its
/// handle.
#[napi]
pub fn socket_detach(env: Env, key: f64) -> napi::Result<String> {
    let sock = slots::key(key)
        .and_then(|key| SOCKETS.remove(key))
        .ok_or_else(|| closed(&env))?;
    let id = handles::next_id();
    let detached = Arc::new(Detached {
        kind: sock.kind(),
        sock: Mutex::new(Some(sock)),
    });
    handles::insert_strong(Kind::Socket, id, detached);
    Ok(handles::handle(Kind::Socket, id))
}

#[napi]
pub fn socket_closed(key: f64) -> bool {
    !slots::key(key).is_some_and(|key| SOCKETS.contains(key))
}

/// The OS handle: an fd on Unix, a SOCKET on Windows (a Number either way: handle values
/// are far below 2^53).
#[napi]
pub fn socket_fd(env: Env, key: f64) -> napi::Result<f64> {
    with(&env, key, |s| {
        let raw = each!(s, s => s.as_raw_source());
        // i32 → i64 on Unix (infallible), u64 → i64 on Windows: one cfg-free conversion.
        #[allow(clippy::unnecessary_fallible_conversions)]
        i64::try_from(raw)
            .map(|raw| raw as f64)
            .map_err(|_| errors::out_of_range(&env, "fd", "a handle below 2^63"))
    })
}

/// Ends any registration, then closes the fd, and frees the slot. Idempotent. (Also the
/// FinalizationRegistry's release of a socket object collected without `close()`.)
#[napi]
pub fn socket_close(key: f64) {
    if let Some(key) = slots::key(key) {
        drop(SOCKETS.remove(key));
    }
}

/// The key of a new stream, or `null` when none is pending. The peer's address:
/// `socketPeerAddress`.
/// How many connections that ended in the backlog one accept passes over before it reports
/// the error after all: each failure takes one connection off the backlog, so this is only a
/// bound on a listener whose every accept fails.
const GONE_BEFORE_ACCEPT_LIMIT: u32 = 1024;

/// `accept`, passing over connections that ended while they waited in the backlog: the
/// listener is fine and the next connection is behind them. Windows' accept fails with
/// WSAECONNRESET for one (wine's with WSAENOTCONN); BSDs and Linux may give ECONNABORTED.
/// libuv passes over them too; a user could do nothing with the error but accept again.
fn accept_live<T>(mut accept: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    let mut passed = 0;
    loop {
        match accept() {
            Err(e) if gone_before_accept(&e) && passed < GONE_BEFORE_ACCEPT_LIMIT => passed += 1,
            other => return other,
        }
    }
}

fn gone_before_accept(e: &io::Error) -> bool {
    let kind = e.kind();
    matches!(
        kind,
        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    ) || (cfg!(windows) && kind == io::ErrorKind::NotConnected)
}

#[napi]
pub fn socket_accept(env: Env, key: f64) -> napi::Result<Option<Accepted>> {
    // The peer's address is the one accept4 wrote: asking getpeername afterwards fails with
    // ENOTCONN for a connection the peer reset while it waited in the backlog.
    let accepted = with(&env, key, |s| match s {
        Sock::TcpListener(l) => Ok(sys(&env, nonblocking(|| accept_live(|| l.accept())))?
            .map(|(s, addr)| (Sock::TcpStream(s), inet(addr)))),
        Sock::UnixListener(l) => Ok(sys(&env, nonblocking(|| accept_live(|| l.accept())))?
            .map(|(s, addr)| (Sock::UnixStream(s), unix(&addr)))),
        other => Err(unsupported(&env, other.kind(), "accept()")),
    })?;
    accepted
        .map(|(sock, address)| insert(&env, sock).map(|key| Accepted { key, address }))
        .transpose()
}

#[napi]
pub fn socket_local_address(env: Env, key: f64) -> napi::Result<RawAddress> {
    with(&env, key, |s| match s {
        Sock::TcpListener(s) => sys(&env, s.local_addr()).map(inet),
        Sock::TcpStream(s) => sys(&env, s.local_addr()).map(inet),
        Sock::UdpSocket(s) => sys(&env, s.local_addr()).map(inet),
        Sock::UnixListener(s) => sys(&env, s.local_addr()).map(|a| unix(&a)),
        Sock::UnixStream(s) => sys(&env, s.local_addr()).map(|a| unix(&a)),
        Sock::UnixDatagram(s) => sys(&env, s.local_addr()).map(|a| unix(&a)),
        other => Err(unsupported(&env, other.kind(), "address")),
    })
}

#[napi]
pub fn socket_peer_address(env: Env, key: f64) -> napi::Result<RawAddress> {
    with(&env, key, |s| match s {
        Sock::TcpStream(s) => sys(&env, s.peer_addr()).map(inet),
        Sock::UdpSocket(s) => sys(&env, s.peer_addr()).map(inet),
        Sock::UnixStream(s) => sys(&env, s.peer_addr()).map(|a| unix(&a)),
        Sock::UnixDatagram(s) => sys(&env, s.peer_addr()).map(|a| unix(&a)),
        other => Err(unsupported(&env, other.kind(), "peer address")),
    })
}

#[napi]
pub fn socket_set_nodelay(env: Env, key: f64, on: bool) -> napi::Result<()> {
    with(&env, key, |s| match s {
        Sock::TcpStream(s) => sys(&env, s.set_nodelay(on)),
        other => Err(unsupported(&env, other.kind(), "setNodelay()")),
    })
}

#[napi]
pub fn socket_nodelay(env: Env, key: f64) -> napi::Result<bool> {
    with(&env, key, |s| match s {
        Sock::TcpStream(s) => sys(&env, s.nodelay()),
        other => Err(unsupported(&env, other.kind(), "nodelay()")),
    })
}

/// `how`: 0 read, 1 write, 2 both.
#[napi]
pub fn socket_shutdown(env: Env, key: f64, how: u32) -> napi::Result<()> {
    let how = match how {
        0 => Shutdown::Read,
        1 => Shutdown::Write,
        _ => Shutdown::Both,
    };
    with(&env, key, |s| match s {
        Sock::TcpStream(s) => sys(&env, s.shutdown(how)),
        Sock::UnixStream(s) => sys(&env, s.shutdown(how)),
        Sock::UnixDatagram(s) => sys(&env, s.shutdown(how)),
        other => Err(unsupported(&env, other.kind(), "shutdown()")),
    })
}

/// The pending socket error (`SO_ERROR`) as a system error object, or `null`.
#[napi]
pub fn socket_take_error(env: &Env, key: f64) -> napi::Result<Option<Unknown<'_>>> {
    let pending = with(env, key, |s| {
        let r = match s {
            Sock::TcpListener(s) => s.take_error(),
            Sock::TcpStream(s) => s.take_error(),
            Sock::UdpSocket(s) => s.take_error(),
            Sock::UnixListener(s) => s.take_error(),
            Sock::UnixStream(s) => s.take_error(),
            Sock::UnixDatagram(s) => s.take_error(),
            other => return Err(unsupported(env, other.kind(), "takeError()")),
        };
        sys(env, r)
    })?;
    match pending {
        None => Ok(None),
        Some(err) => {
            let err = errors::system(env, &err);
            // SAFETY: `env` is the env of this call.
            let raw = unsafe { napi::Error::to_napi_value(env.raw(), err) }?;
            // SAFETY: `raw` is a live value of `env`.
            Ok(Some(unsafe { Unknown::from_raw_unchecked(env.raw(), raw) }))
        }
    }
}

/// Reads without consuming: bytes, or `null` when nothing is there.
#[napi]
pub fn socket_peek(env: Env, key: f64, mut buf: Uint8ArraySlice) -> napi::Result<Option<u32>> {
    // SAFETY: borrowed for this synchronous call only, while JavaScript waits for it.
    let buf = unsafe { buf.as_mut() };
    with(&env, key, |s| {
        let r = match s {
            Sock::TcpStream(s) => nonblocking(|| s.peek(buf)),
            Sock::UdpSocket(s) => nonblocking(|| s.peek(buf)),
            other => return Err(unsupported(&env, other.kind(), "peek()")),
        };
        Ok(sys(&env, r)?.map(|n| n as u32))
    })
}

/// A datagram into `buf`: its size and sender, as a plain object (no native state), or `null`.
#[napi]
pub fn socket_recv_from(
    env: Env,
    key: f64,
    mut buf: Uint8ArraySlice,
) -> napi::Result<Option<Received>> {
    // SAFETY: borrowed for this synchronous call only, while JavaScript waits for it.
    let buf = unsafe { buf.as_mut() };
    with(&env, key, |s| match s {
        Sock::UdpSocket(s) => {
            Ok(
                sys(&env, nonblocking(|| s.recv_from(buf)))?.map(|(n, a)| Received {
                    bytes: n as u32,
                    address: inet(a),
                }),
            )
        }
        Sock::UnixDatagram(s) => {
            Ok(
                sys(&env, nonblocking(|| s.recv_from(buf)))?.map(|(n, a)| Received {
                    bytes: n as u32,
                    address: unix(&a),
                }),
            )
        }
        other => Err(unsupported(&env, other.kind(), "recvFrom()")),
    })
}

#[napi]
pub fn socket_send_to_inet(
    env: Env,
    key: f64,
    buf: &[u8],
    ip: String,
    port: u32,
) -> napi::Result<Option<u32>> {
    let addr = socket_addr(&env, &ip, port)?;
    with(&env, key, |s| match s {
        Sock::UdpSocket(s) => {
            Ok(sys(&env, nonblocking(|| s.send_to(buf, addr)))?.map(|n| n as u32))
        }
        other => Err(unsupported(&env, other.kind(), "sendTo()")),
    })
}

#[napi]
pub fn socket_send_to_path(
    env: Env,
    key: f64,
    buf: &[u8],
    path: String,
) -> napi::Result<Option<u32>> {
    with(&env, key, |s| match s {
        Sock::UnixDatagram(s) => {
            Ok(sys(&env, nonblocking(|| s.send_to(buf, &path)))?.map(|n| n as u32))
        }
        other => Err(unsupported(&env, other.kind(), "sendTo()")),
    })
}

/// Connects a UdpSocket (to an IP address) or a UnixDatagram (to a path; `target` = path).
#[napi]
pub fn socket_connect_datagram(env: Env, key: f64, target: String, port: u32) -> napi::Result<()> {
    with(&env, key, |s| match s {
        Sock::UdpSocket(s) => sys(&env, s.connect(socket_addr(&env, &target, port)?)),
        Sock::UnixDatagram(s) => sys(&env, s.connect(&target)),
        other => Err(unsupported(&env, other.kind(), "connect()")),
    })
}

/// `netRead(key, buf, offset, length) → bytes | null`: read (streams, pipes) or recv
/// (datagrams) into `buf[offset .. offset + length]`.
pub(crate) unsafe extern "C" fn net_read(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    unsafe { io_call(env, info, true) }
}

/// `netWrite(key, buf, offset, length) → bytes | null`: write (streams, pipes) or send
/// (datagrams) from `buf[offset .. offset + length]`.
pub(crate) unsafe extern "C" fn net_write(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    unsafe { io_call(env, info, false) }
}

/// # Safety
/// `env` and `info` are those of the running callback.
unsafe fn io_call(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    read: bool,
) -> sys::napi_value {
    // SAFETY: forwarded.
    let [key, buf, offset, length] = unsafe { napi_raw::args::<4>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: `key` is an argument of this callback.
    let key = unsafe { napi_raw::number(env, key) }.and_then(slots::key);
    // SAFETY: arguments of this callback.
    let bytes = match unsafe { buffer_range(env, buf, offset, length) } {
        Ok(bytes) => bytes,
        Err(err) => return napi_raw::throw(env, err),
    };
    let Some(sock) = key.and_then(|key| SOCKETS.borrow(key)) else {
        return napi_raw::throw(env, closed(&js_env));
    };
    let kind = sock.kind();
    let result = nonblocking(|| {
        let r = if read {
            sock.read(bytes)
        } else {
            sock.write(bytes)
        };
        r.unwrap_or_else(|| Err(io::Error::from(io::ErrorKind::Unsupported)))
    });
    drop(sock);
    match result {
        Err(e) if e.kind() == io::ErrorKind::Unsupported => napi_raw::throw(
            env,
            unsupported(&js_env, kind, if read { "read()" } else { "write()" }),
        ),
        other => count_or_null(env, other),
    }
}

/// The `buf[offset .. offset + length]` of a raw call's arguments (the whole `buf` when the
/// two are not numbers), or the TypeError/RangeError to throw.
///
/// # Safety
/// The values are arguments of the running callback of `env`. The slice borrows the array's
/// memory for that callback only: JavaScript is blocked in it (a SharedArrayBuffer's other
/// users see a racing write, as with any read(2) into shared memory).
pub(crate) unsafe fn buffer_range<'a>(
    env: sys::napi_env,
    buf: sys::napi_value,
    offset: sys::napi_value,
    length: sys::napi_value,
) -> Result<&'a mut [u8], napi::Error> {
    let js_env = Env::from_raw(env);
    // SAFETY: forwarded from the caller.
    let Some(bytes) = (unsafe { uint8_array(env, buf) }) else {
        return Err(errors::js_error(
            &js_env,
            Class::TypeError,
            "ERR_INVALID_ARG_TYPE",
            "The \"buffer\" argument must be an instance of Buffer or Uint8Array.",
        ));
    };
    // The range within `buf` (lib/net.ts validated it; checked again here, so that no call can
    // reach outside the array). A range given as a view (`buf.subarray(…)`) would cost a new
    // typed array per call on the hot path; two numbers cost nothing.
    // SAFETY: forwarded from the caller.
    let range = unsafe { (napi_raw::number(env, offset), napi_raw::number(env, length)) };
    match range {
        (Some(at), Some(len)) => within(bytes, at, len),
        _ => Some(bytes),
    }
    .ok_or_else(|| {
        errors::js_error(
            &js_env,
            Class::RangeError,
            "ERR_OUT_OF_RANGE",
            "The \"offset\" and \"length\" arguments must lie within the buffer.",
        )
    })
}

/// A raw call's result: the count, `null` for would-block, or the system error thrown.
pub(crate) fn count_or_null(
    env: sys::napi_env,
    result: io::Result<Option<usize>>,
) -> sys::napi_value {
    let mut value = ptr::null_mut();
    match result {
        // SAFETY: `env` is the env of the running callback.
        Ok(Some(n)) => unsafe { sys::napi_create_double(env, n as f64, &mut value) },
        // SAFETY: as above.
        Ok(None) => unsafe { sys::napi_get_null(env, &mut value) },
        Err(e) => return napi_raw::throw(env, errors::system(&Env::from_raw(env), &e)),
    };
    value
}

/// `bytes[at .. at + len]`, when both are whole numbers and the range lies within `bytes`.
fn within(bytes: &mut [u8], at: f64, len: f64) -> Option<&mut [u8]> {
    let size = bytes.len() as f64;
    // As slots::key: in range, then whole (the round trip through usize), without `fract()`.
    let whole =
        |x: f64| ((0.0..=size).contains(&x) && x as usize as f64 == x).then_some(x as usize);
    let (at, len) = (whole(at)?, whole(len)?);
    bytes.get_mut(at..at.checked_add(len)?)
}

/// A Uint8Array's (or Buffer's) elements, offset included; empty arrays give an empty slice.
///
/// # Safety
/// `value` is a live value of `env`; the slice must not outlive the running callback.
unsafe fn uint8_array<'a>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a mut [u8]> {
    let (mut kind, mut length, mut data) = (0, 0usize, ptr::null_mut::<c_void>());
    // SAFETY: forwarded; unneeded out pointers may be null.
    let status = unsafe {
        sys::napi_get_typedarray_info(
            env,
            value,
            &mut kind,
            &mut length,
            &mut data,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok || kind != sys::TypedarrayType::uint8_array {
        return None;
    }
    if length == 0 || data.is_null() {
        return Some(&mut []);
    }
    // SAFETY: napi reported `length` bytes at `data` (already adjusted by the byte offset).
    Some(unsafe { std::slice::from_raw_parts_mut(data as *mut u8, length) })
}
