//! `NativeSocket`: every socket and pipe end of `wakepoll::net` / `wakepoll::unix::pipe` behind
//! one napi class (lib/net.ts gives each kind its own JavaScript class).
//!
//! The state is a `RwLock<Option<Sock>>`, as with SyncEvent: `close()` takes the socket out
//! (dropping it ends its registration, then closes the fd), and so does `detach()`, which moves
//! it into the handle table for another worker: `fromHandle` takes it out of the table again,
//! so a handle is good for one `fromHandle` only.
//!
//! The hot calls (`read`/`recv`, `write`/`send`) are raw Node-API callbacks (`netRead`,
//! `netWrite`, see fast.rs for why): they borrow the Uint8Array's memory for the synchronous
//! call and return the byte count, or `null` on `WouldBlock` without making an error object.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr};
use std::os::raw::c_void;
use std::ptr;
use std::sync::{Arc, RwLock};

use napi::bindgen_prelude::{ToNapiValue, Uint8ArraySlice, Unknown};
use napi::{sys, Env};
use napi_derive::napi;
use wakepoll::event::AsRawSource;
// The Unix kinds and pipes exist under these names on every platform; where the OS lacks them
// (Windows) their constructors fail with ENOTSUP, and no value of them can exist.
use wakepoll::net::{
    TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixSocketAddr, UnixStream,
};
use wakepoll::pipe;
use wakepoll::{Interest, Registry, Token};

use crate::errors::{self, Class};
use crate::fast;
use crate::handles::{self, Kind, Lookup};

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

impl Sock {
    fn kind(&self) -> &'static str {
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

    fn register(&self, registry: &Registry, token: Token, interest: Interest) -> io::Result<()> {
        each!(self, s => registry.register(&mut &*s, token, interest))
    }

    fn reregister(&self, registry: &Registry, token: Token, interest: Interest) -> io::Result<()> {
        each!(self, s => registry.reregister(&mut &*s, token, interest))
    }

    fn deregister(&self, registry: &Registry) -> io::Result<()> {
        each!(self, s => registry.deregister(&mut &*s))
    }
}

pub(crate) struct SocketShared {
    /// The kind, for error messages and `fromHandle`'s check (kept after close).
    kind: &'static str,
    /// The handle-table id while the socket sits in the table (`detach`), else 0.
    id: u64,
    sock: RwLock<Option<Sock>>,
}

impl SocketShared {
    fn new(sock: Sock, id: u64) -> Arc<SocketShared> {
        Arc::new(SocketShared {
            kind: sock.kind(),
            id,
            sock: RwLock::new(Some(sock)),
        })
    }

    /// Runs `f` with the open socket, or fails with `ERR_CLOSED`.
    pub(crate) fn with<T>(
        &self,
        env: &Env,
        f: impl FnOnce(&Sock) -> napi::Result<T>,
    ) -> napi::Result<T> {
        let sock = self.sock.read().unwrap_or_else(|e| e.into_inner());
        match sock.as_ref() {
            Some(sock) => f(sock),
            None => Err(errors::closed(env, self.kind)),
        }
    }

    fn take(&self) -> Option<Sock> {
        self.sock.write().unwrap_or_else(|e| e.into_inner()).take()
    }

    pub(crate) fn register(
        &self,
        env: &Env,
        registry: &Registry,
        token: Token,
        interest: Interest,
    ) -> napi::Result<()> {
        self.with(env, |s| {
            s.register(registry, token, interest)
                .map_err(|e| errors::system(env, &e))
        })
    }

    pub(crate) fn reregister(
        &self,
        env: &Env,
        registry: &Registry,
        token: Token,
        interest: Interest,
    ) -> napi::Result<()> {
        self.with(env, |s| {
            s.reregister(registry, token, interest)
                .map_err(|e| errors::system(env, &e))
        })
    }

    pub(crate) fn deregister(&self, env: &Env, registry: &Registry) -> napi::Result<()> {
        self.with(env, |s| {
            s.deregister(registry).map_err(|e| errors::system(env, &e))
        })
    }
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
fn nonblocking<T>(mut f: impl FnMut() -> io::Result<T>) -> io::Result<Option<T>> {
    loop {
        match f() {
            Ok(v) => return Ok(Some(v)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

fn unsupported(env: &Env, kind: &str, what: &str) -> napi::Error {
    errors::js_error(
        env,
        Class::TypeError,
        "ERR_INVALID_ARG_TYPE",
        &format!("a {kind} has no {what}"),
    )
}

/// The native half of every socket and pipe class of lib/net.ts.
#[napi]
pub struct NativeSocket {
    pub(crate) shared: Arc<SocketShared>,
}

impl NativeSocket {
    fn new(sock: Sock) -> NativeSocket {
        NativeSocket {
            shared: SocketShared::new(sock, 0),
        }
    }
}

fn sys<T>(env: &Env, r: io::Result<T>) -> napi::Result<T> {
    r.map_err(|e| errors::system(env, &e))
}

#[napi]
impl NativeSocket {
    #[napi(factory)]
    pub fn tcp_listener_bind(env: Env, ip: String, port: u32) -> napi::Result<NativeSocket> {
        let addr = socket_addr(&env, &ip, port)?;
        Ok(NativeSocket::new(Sock::TcpListener(sys(
            &env,
            TcpListener::bind(addr),
        )?)))
    }

    #[napi(factory)]
    pub fn tcp_stream_connect(env: Env, ip: String, port: u32) -> napi::Result<NativeSocket> {
        let addr = socket_addr(&env, &ip, port)?;
        Ok(NativeSocket::new(Sock::TcpStream(sys(
            &env,
            TcpStream::connect(addr),
        )?)))
    }

    #[napi(factory)]
    pub fn udp_bind(env: Env, ip: String, port: u32) -> napi::Result<NativeSocket> {
        let addr = socket_addr(&env, &ip, port)?;
        Ok(NativeSocket::new(Sock::UdpSocket(sys(
            &env,
            UdpSocket::bind(addr),
        )?)))
    }

    #[napi(factory)]
    pub fn unix_listener_bind(env: Env, path: String) -> napi::Result<NativeSocket> {
        Ok(NativeSocket::new(Sock::UnixListener(sys(
            &env,
            UnixListener::bind(path),
        )?)))
    }

    #[napi(factory)]
    pub fn unix_stream_connect(env: Env, path: String) -> napi::Result<NativeSocket> {
        Ok(NativeSocket::new(Sock::UnixStream(sys(
            &env,
            UnixStream::connect(path),
        )?)))
    }

    #[napi(factory)]
    pub fn unix_datagram_bind(env: Env, path: String) -> napi::Result<NativeSocket> {
        Ok(NativeSocket::new(Sock::UnixDatagram(sys(
            &env,
            UnixDatagram::bind(path),
        )?)))
    }

    #[napi(factory)]
    pub fn unix_datagram_unbound(env: Env) -> napi::Result<NativeSocket> {
        Ok(NativeSocket::new(Sock::UnixDatagram(sys(
            &env,
            UnixDatagram::unbound(),
        )?)))
    }

    /// `[a, b]` of a connected pair: `stream` → UnixStream, else UnixDatagram.
    #[napi]
    pub fn unix_pair(env: Env, stream: bool) -> napi::Result<Vec<NativeSocket>> {
        let (a, b) = if stream {
            let (a, b) = sys(&env, UnixStream::pair())?;
            (Sock::UnixStream(a), Sock::UnixStream(b))
        } else {
            let (a, b) = sys(&env, UnixDatagram::pair())?;
            (Sock::UnixDatagram(a), Sock::UnixDatagram(b))
        };
        Ok(vec![NativeSocket::new(a), NativeSocket::new(b)])
    }

    /// `[sender, receiver]` of a new pipe.
    #[napi]
    pub fn pipe(env: Env) -> napi::Result<Vec<NativeSocket>> {
        let (tx, rx) = sys(&env, pipe::new())?;
        Ok(vec![
            NativeSocket::new(Sock::PipeSender(tx)),
            NativeSocket::new(Sock::PipeReceiver(rx)),
        ])
    }

    /// Takes the socket moved into the table by `detach()`; it must be of `kind`.
    #[napi(factory)]
    pub fn from_handle(env: Env, handle: String, kind: String) -> napi::Result<NativeSocket> {
        let shared = match handles::lookup::<SocketShared>(Kind::Socket, &handle) {
            Ok(shared) => shared,
            Err(Lookup::Invalid) => return Err(errors::invalid_handle(&env, &kind)),
            Err(Lookup::Closed) => return Err(errors::closed(&env, &kind)),
        };
        if shared.kind != kind {
            return Err(errors::invalid_handle(&env, &kind));
        }
        handles::remove(shared.id);
        match shared.take() {
            Some(sock) => Ok(NativeSocket::new(sock)),
            None => Err(errors::closed(&env, &kind)),
        }
    }

    /// Moves the socket into the handle table (this object is closed from now on) and
    /// returns its handle.
    #[napi]
    pub fn detach(&self, env: Env) -> napi::Result<String> {
        let sock = self
            .shared
            .take()
            .ok_or_else(|| errors::closed(&env, self.shared.kind))?;
        let id = handles::next_id();
        handles::insert_strong(Kind::Socket, id, SocketShared::new(sock, id));
        Ok(handles::handle(Kind::Socket, id))
    }

    #[napi(getter)]
    pub fn kind(&self) -> String {
        self.shared.kind.to_owned()
    }

    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.shared
            .sock
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_none()
    }

    /// The OS handle: an fd on Unix, a SOCKET on Windows (a Number either way: handle values
    /// are far below 2^53).
    #[napi(getter)]
    pub fn fd(&self, env: Env) -> napi::Result<f64> {
        self.shared.with(&env, |s| {
            let raw = each!(s, s => s.as_raw_source());
            // i32 → i64 on Unix (infallible), u64 → i64 on Windows: one cfg-free conversion.
            #[allow(clippy::unnecessary_fallible_conversions)]
            i64::try_from(raw)
                .map(|raw| raw as f64)
                .map_err(|_| errors::out_of_range(&env, "fd", "a handle below 2^63"))
        })
    }

    /// A tagged external for the fast `netRead`/`netWrite`; lib/net.ts asks once.
    #[napi]
    pub fn external<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        fast::external(env, Arc::clone(&self.shared), &fast::SOCKET_TAG)
    }

    /// Ends any registration, then closes the fd. Idempotent.
    #[napi]
    pub fn close(&self) {
        drop(self.shared.take());
    }

    /// A new stream, or `null` when none is pending. The peer's address: `peerAddress()`.
    #[napi]
    pub fn accept(&self, env: Env) -> napi::Result<Option<NativeSocket>> {
        self.shared.with(&env, |s| {
            let accepted = match s {
                Sock::TcpListener(l) => {
                    sys(&env, nonblocking(|| l.accept()))?.map(|(s, _)| Sock::TcpStream(s))
                }
                Sock::UnixListener(l) => {
                    sys(&env, nonblocking(|| l.accept()))?.map(|(s, _)| Sock::UnixStream(s))
                }
                other => return Err(unsupported(&env, other.kind(), "accept()")),
            };
            Ok(accepted.map(NativeSocket::new))
        })
    }

    #[napi]
    pub fn local_address(&self, env: Env) -> napi::Result<RawAddress> {
        self.shared.with(&env, |s| match s {
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
    pub fn peer_address(&self, env: Env) -> napi::Result<RawAddress> {
        self.shared.with(&env, |s| match s {
            Sock::TcpStream(s) => sys(&env, s.peer_addr()).map(inet),
            Sock::UdpSocket(s) => sys(&env, s.peer_addr()).map(inet),
            Sock::UnixStream(s) => sys(&env, s.peer_addr()).map(|a| unix(&a)),
            Sock::UnixDatagram(s) => sys(&env, s.peer_addr()).map(|a| unix(&a)),
            other => Err(unsupported(&env, other.kind(), "peer address")),
        })
    }

    #[napi]
    pub fn set_nodelay(&self, env: Env, on: bool) -> napi::Result<()> {
        self.shared.with(&env, |s| match s {
            Sock::TcpStream(s) => sys(&env, s.set_nodelay(on)),
            other => Err(unsupported(&env, other.kind(), "setNodelay()")),
        })
    }

    #[napi]
    pub fn nodelay(&self, env: Env) -> napi::Result<bool> {
        self.shared.with(&env, |s| match s {
            Sock::TcpStream(s) => sys(&env, s.nodelay()),
            other => Err(unsupported(&env, other.kind(), "nodelay()")),
        })
    }

    /// `how`: 0 read, 1 write, 2 both.
    #[napi]
    pub fn shutdown(&self, env: Env, how: u32) -> napi::Result<()> {
        let how = match how {
            0 => Shutdown::Read,
            1 => Shutdown::Write,
            _ => Shutdown::Both,
        };
        self.shared.with(&env, |s| match s {
            Sock::TcpStream(s) => sys(&env, s.shutdown(how)),
            Sock::UnixStream(s) => sys(&env, s.shutdown(how)),
            Sock::UnixDatagram(s) => sys(&env, s.shutdown(how)),
            other => Err(unsupported(&env, other.kind(), "shutdown()")),
        })
    }

    /// The pending socket error (`SO_ERROR`) as a system error object, or `null`.
    #[napi]
    pub fn take_error<'env>(&self, env: &'env Env) -> napi::Result<Option<Unknown<'env>>> {
        let pending = self.shared.with(env, |s| {
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
    pub fn peek(&self, env: Env, mut buf: Uint8ArraySlice) -> napi::Result<Option<u32>> {
        // SAFETY: borrowed for this synchronous call only, while JavaScript waits for it.
        let buf = unsafe { buf.as_mut() };
        self.shared.with(&env, |s| {
            let r = match s {
                Sock::TcpStream(s) => nonblocking(|| s.peek(buf)),
                Sock::UdpSocket(s) => nonblocking(|| s.peek(buf)),
                other => return Err(unsupported(&env, other.kind(), "peek()")),
            };
            Ok(sys(&env, r)?.map(|n| n as u32))
        })
    }

    #[napi]
    pub fn recv_from(&self, env: Env, mut buf: Uint8ArraySlice) -> napi::Result<Option<Received>> {
        // SAFETY: borrowed for this synchronous call only, while JavaScript waits for it.
        let buf = unsafe { buf.as_mut() };
        self.shared.with(&env, |s| match s {
            Sock::UdpSocket(s) => {
                Ok(
                    sys(&env, nonblocking(|| s.recv_from(buf)))?.map(|(n, a)| Received {
                        bytes: n as u32,
                        address: inet(a),
                    }),
                )
            }
            Sock::UnixDatagram(s) => Ok(sys(&env, nonblocking(|| s.recv_from(buf)))?.map(
                |(n, a)| Received {
                    bytes: n as u32,
                    address: unix(&a),
                },
            )),
            other => Err(unsupported(&env, other.kind(), "recvFrom()")),
        })
    }

    #[napi]
    pub fn send_to_inet(
        &self,
        env: Env,
        buf: &[u8],
        ip: String,
        port: u32,
    ) -> napi::Result<Option<u32>> {
        let addr = socket_addr(&env, &ip, port)?;
        self.shared.with(&env, |s| match s {
            Sock::UdpSocket(s) => {
                Ok(sys(&env, nonblocking(|| s.send_to(buf, addr)))?.map(|n| n as u32))
            }
            other => Err(unsupported(&env, other.kind(), "sendTo()")),
        })
    }

    #[napi]
    pub fn send_to_path(&self, env: Env, buf: &[u8], path: String) -> napi::Result<Option<u32>> {
        self.shared.with(&env, |s| match s {
            Sock::UnixDatagram(s) => {
                Ok(sys(&env, nonblocking(|| s.send_to(buf, &path)))?.map(|n| n as u32))
            }
            other => Err(unsupported(&env, other.kind(), "sendTo()")),
        })
    }

    /// Connects a UdpSocket (to an IP address) or a UnixDatagram (to a path; `ip` = path).
    #[napi]
    pub fn connect_datagram(&self, env: Env, target: String, port: u32) -> napi::Result<()> {
        self.shared.with(&env, |s| match s {
            Sock::UdpSocket(s) => sys(&env, s.connect(socket_addr(&env, &target, port)?)),
            Sock::UnixDatagram(s) => sys(&env, s.connect(&target)),
            other => Err(unsupported(&env, other.kind(), "connect()")),
        })
    }
}

/// `netRead(external, buf) → bytes | null`: read (streams, pipes) or recv (datagrams).
pub(crate) unsafe extern "C" fn net_read(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    unsafe { io_call(env, info, true) }
}

/// `netWrite(external, buf) → bytes | null`: write (streams, pipes) or send (datagrams).
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
    let [ext, buf] = unsafe { fast::args::<2>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: `ext` is an argument of this callback.
    let Some(shared) = (unsafe { fast::shared::<SocketShared>(env, ext, &fast::SOCKET_TAG) })
    else {
        return fast::throw(env, fast::wrong_external(&js_env, "socket"));
    };
    // SAFETY: `buf` is an argument of this callback; JavaScript is blocked in this call, and
    // the memory is only borrowed for it (a SharedArrayBuffer's other users see a racing
    // write, as with any read(2) into shared memory).
    let Some(bytes) = (unsafe { uint8_array(env, buf) }) else {
        return fast::throw(
            env,
            errors::js_error(
                &js_env,
                Class::TypeError,
                "ERR_INVALID_ARG_TYPE",
                "The \"buffer\" argument must be an instance of Buffer or Uint8Array.",
            ),
        );
    };
    let guard = shared.sock.read().unwrap_or_else(|e| e.into_inner());
    let Some(sock) = guard.as_ref() else {
        drop(guard);
        return fast::throw(env, errors::closed(&js_env, shared.kind));
    };
    let result = nonblocking(|| {
        let r = if read {
            sock.read(bytes)
        } else {
            sock.write(bytes)
        };
        r.unwrap_or_else(|| Err(io::Error::from(io::ErrorKind::Unsupported)))
    });
    drop(guard);
    match result {
        Ok(Some(n)) => {
            let mut value = ptr::null_mut();
            // SAFETY: `env` is the env of this callback.
            unsafe { sys::napi_create_double(env, n as f64, &mut value) };
            value
        }
        Ok(None) => {
            let mut value = ptr::null_mut();
            // SAFETY: as above.
            unsafe { sys::napi_get_null(env, &mut value) };
            value
        }
        Err(e) if e.kind() == io::ErrorKind::Unsupported => fast::throw(
            env,
            unsupported(
                &js_env,
                shared.kind,
                if read { "read()" } else { "write()" },
            ),
        ),
        Err(e) => fast::throw(env, errors::system(&js_env, &e)),
    }
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
