//! Descriptors in and out of the sockets of net.rs (issue #24): `<Class>.fromFd`, `intoFd()`,
//! `listenFds()`, `sendWithFds` / `recvWithFds` (`SCM_RIGHTS`), and Windows' `duplicateFor` /
//! `fromDuplicate`. Glue only: the checks, the protocol and the system calls are the core's
//! (`wakepoll::net`: `from_raw_descriptor`, `listen_fds`, `send_with_fds`, …).
//!
//! `sendWithFds` and `recvWithFds` are raw Node-API callbacks (`netSendWithFds`,
//! `netRecvWithFds`, exported by fast.rs) like `netRead`/`netWrite`: a loop that never yields
//! passes descriptors without any allocation here. The descriptors travel in an Int32Array of
//! lib/net.ts's (the fds to send; the count and fds received), the path of `sendToWithFds` is
//! read into a buffer on the stack, and the core builds its control message on the stack too.

use std::borrow::Cow;
use std::ptr;

use napi::bindgen_prelude::FromNapiValue;
use napi::{sys, Env};
use napi_derive::napi;
use wakepoll::event::{IntoRawSource, RawSource};
use wakepoll::net::{
    listen_fds, AnySocket, TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener,
    UnixStream, MAX_FDS_PER_MESSAGE,
};

use crate::errors::{self, Class};
use crate::napi_raw;
use crate::net::{
    buffer_range, closed, count_or_null, each, insert, nonblocking, sys as system, unsupported,
    Sock, SOCKETS,
};
use crate::slots;

impl From<AnySocket> for Sock {
    fn from(socket: AnySocket) -> Sock {
        match socket {
            AnySocket::TcpListener(s) => Sock::TcpListener(s),
            AnySocket::TcpStream(s) => Sock::TcpStream(s),
            AnySocket::UdpSocket(s) => Sock::UdpSocket(s),
            AnySocket::UnixListener(s) => Sock::UnixListener(s),
            AnySocket::UnixStream(s) => Sock::UnixStream(s),
            AnySocket::UnixDatagram(s) => Sock::UnixDatagram(s),
        }
    }
}

/// A descriptor's number for JavaScript: an fd, or a Windows handle value (far below 2^53).
fn number(raw: RawSource) -> f64 {
    // i32 → i64 on Unix (infallible), u64 → i64 on Windows: one cfg-free conversion.
    #[allow(clippy::unnecessary_fallible_conversions)]
    let raw = i64::try_from(raw).unwrap_or(i64::MAX);
    raw as f64
}

/// `<kind>.fromFd(fd)`: adopts the open socket `fd` if it is of `kind` (the core checks, and
/// leaves it untouched when it is not); its key.
#[napi]
pub fn socket_from_fd(env: Env, fd: i64, kind: String) -> napi::Result<f64> {
    // SAFETY: the JavaScript API (lib/net.ts, `fromFd`) documents that the descriptor is handed
    // over: the caller must not use or close it afterwards. The core checks that it is an open
    // socket of this kind before it takes it.
    let adopted = unsafe {
        match kind.as_str() {
            "TcpListener" => TcpListener::from_raw_descriptor(fd).map(Sock::TcpListener),
            "TcpStream" => TcpStream::from_raw_descriptor(fd).map(Sock::TcpStream),
            "UdpSocket" => UdpSocket::from_raw_descriptor(fd).map(Sock::UdpSocket),
            "UnixListener" => UnixListener::from_raw_descriptor(fd).map(Sock::UnixListener),
            "UnixStream" => UnixStream::from_raw_descriptor(fd).map(Sock::UnixStream),
            "UnixDatagram" => UnixDatagram::from_raw_descriptor(fd).map(Sock::UnixDatagram),
            other => return Err(unsupported(&env, other, "fromFd()")),
        }
    };
    let sock = system(&env, adopted)?;
    insert(&env, sock)
}

/// `intoFd()`: ends the registration, frees the slot (the key is closed from now on) and
/// returns the descriptor, still open and now the caller's.
#[napi]
pub fn socket_into_fd(env: Env, key: f64) -> napi::Result<f64> {
    let sock = slots::key(key)
        .and_then(|key| SOCKETS.remove(key))
        .ok_or_else(|| closed(&env))?;
    Ok(number(each!(sock, s => s.into_raw_source())))
}

/// One descriptor of socket activation, for lib/net.ts: the key and class of its socket, or
/// none (a descriptor that is no socket of wakepoll's kinds stays the caller's).
#[napi(object)]
pub struct ListenedFd {
    pub name: String,
    pub fd: f64,
    pub key: Option<f64>,
    pub kind: Option<String>,
}

/// `listenFds({ unsetEnvironment })`: the core's `listen_fds`, each socket in a slot.
#[napi]
pub fn socket_listen_fds(env: Env, unset_environment: bool) -> napi::Result<Vec<ListenedFd>> {
    let found = system(&env, listen_fds(unset_environment))?;
    let mut listed = Vec::with_capacity(found.len());
    for item in found {
        let (key, kind) = match item.socket {
            Some(socket) => {
                let kind = socket.kind().type_name().to_owned();
                (Some(insert(&env, Sock::from(socket))?), Some(kind))
            }
            None => (None, None),
        };
        listed.push(ListenedFd {
            name: item.name,
            fd: number(item.fd),
            key,
            kind,
        });
    }
    Ok(listed)
}

/// The most descriptors one `sendWithFds` carries (0 where there is no descriptor passing).
#[napi]
pub fn socket_max_fds_per_message() -> u32 {
    MAX_FDS_PER_MESSAGE as u32
}

/// `duplicateFor(pid)` (Windows): the text that lets process `pid` make its own socket.
#[napi]
pub fn socket_duplicate_for(env: Env, key: f64, pid: u32) -> napi::Result<String> {
    crate::net::with(&env, key, |s| match s {
        Sock::TcpListener(s) => system(&env, s.duplicate_for(pid)),
        Sock::TcpStream(s) => system(&env, s.duplicate_for(pid)),
        Sock::UdpSocket(s) => system(&env, s.duplicate_for(pid)),
        other => Err(unsupported(&env, other.kind(), "duplicateFor()")),
    })
}

/// `<kind>.fromDuplicate(text)` (Windows): this process's socket for another's
/// `duplicateFor`; its key.
#[napi]
pub fn socket_from_duplicate(env: Env, text: String, kind: String) -> napi::Result<f64> {
    let made = match kind.as_str() {
        "TcpListener" => TcpListener::from_duplicate(&text).map(Sock::TcpListener),
        "TcpStream" => TcpStream::from_duplicate(&text).map(Sock::TcpStream),
        "UdpSocket" => UdpSocket::from_duplicate(&text).map(Sock::UdpSocket),
        other => return Err(unsupported(&env, other, "fromDuplicate()")),
    };
    let sock = system(&env, made)?;
    insert(&env, sock)
}

/// A path argument read onto the stack (a Unix socket path is at most 108 bytes; longer
/// ones still reach the core, which names the error).
const PATH_ROOM: usize = 1024;

/// `netSendWithFds(key, buf, offset, length, fds, count, path | null) → bytes | null`:
/// `buf[offset .. offset + length]` with the first `count` descriptors of the Int32Array
/// `fds`, to the connected peer, or (a UnixDatagram) to the socket file `path`.
pub(crate) unsafe extern "C" fn net_send_with_fds(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    let [key, buf, offset, length, fds, count, path] = unsafe { napi_raw::args::<7>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: arguments of this callback.
    let bytes = match unsafe { buffer_range(env, buf, offset, length) } {
        Ok(bytes) => bytes,
        Err(err) => return napi_raw::throw(env, err),
    };
    let mut raw: [RawSource; MAX_FDS_PER_MESSAGE] = [0 as RawSource; MAX_FDS_PER_MESSAGE];
    // SAFETY: arguments of this callback.
    let count = match unsafe { descriptors(env, fds, count, &mut raw) } {
        Ok(count) => count,
        Err(err) => return napi_raw::throw(env, err),
    };
    let mut room = [0u8; PATH_ROOM];
    // SAFETY: an argument of this callback.
    let path = match unsafe { path_arg(env, path, &mut room) } {
        Ok(path) => path,
        Err(err) => return napi_raw::throw(env, err),
    };
    // SAFETY: an argument of this callback.
    let key = unsafe { napi_raw::number(env, key) }.and_then(slots::key);
    let Some(sock) = key.and_then(|key| SOCKETS.borrow(key)) else {
        return napi_raw::throw(env, closed(&js_env));
    };
    let fds = &raw[..count];
    let result = match (&*sock, path.as_deref()) {
        (Sock::UnixStream(s), None) => nonblocking(|| s.send_with_fds(bytes, fds)),
        (Sock::UnixDatagram(s), None) => nonblocking(|| s.send_with_fds(bytes, fds)),
        (Sock::UnixDatagram(s), Some(path)) => nonblocking(|| s.send_to_with_fds(bytes, path, fds)),
        (other, _) => {
            let err = unsupported(&js_env, other.kind(), "sendWithFds()");
            drop(sock);
            return napi_raw::throw(env, err);
        }
    };
    drop(sock);
    count_or_null(env, result)
}

/// `netRecvWithFds(key, buf, offset, length, out, maxFds) → bytes | null`: receives into
/// `buf[offset .. offset + length]`, up to `maxFds` descriptors; writes their count to
/// `out[0]` and the descriptors to `out[1 ..]` (an Int32Array of at least `maxFds + 1`).
pub(crate) unsafe extern "C" fn net_recv_with_fds(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    let [key, buf, offset, length, out, max] = unsafe { napi_raw::args::<6>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: arguments of this callback.
    let bytes = match unsafe { buffer_range(env, buf, offset, length) } {
        Ok(bytes) => bytes,
        Err(err) => return napi_raw::throw(env, err),
    };
    // SAFETY: an argument of this callback; lib/net.ts's own scratch array, which nothing
    // else touches during this synchronous call.
    let out = unsafe { napi_raw::typed_array::<i32>(env, out, sys::TypedarrayType::int32_array) };
    // SAFETY: an argument of this callback.
    let max = unsafe { napi_raw::number(env, max) };
    let (Some(out), Some(max)) = (out, max) else {
        return napi_raw::throw(env, bad_fds(&js_env));
    };
    let mut raw: [RawSource; MAX_FDS_PER_MESSAGE] = [0 as RawSource; MAX_FDS_PER_MESSAGE];
    let max = whole(max).filter(|&m| m <= raw.len() && m < out.len());
    let Some(max) = max else {
        return napi_raw::throw(env, too_many(&js_env));
    };
    // SAFETY: an argument of this callback.
    let key = unsafe { napi_raw::number(env, key) }.and_then(slots::key);
    let Some(sock) = key.and_then(|key| SOCKETS.borrow(key)) else {
        return napi_raw::throw(env, closed(&js_env));
    };
    let room = &mut raw[..max];
    let result = match &*sock {
        Sock::UnixStream(s) => nonblocking(|| s.recv_with_fds(bytes, room)),
        Sock::UnixDatagram(s) => nonblocking(|| s.recv_with_fds(bytes, room)),
        other => {
            let err = unsupported(&js_env, other.kind(), "recvWithFds()");
            drop(sock);
            return napi_raw::throw(env, err);
        }
    };
    drop(sock);
    let result = result.map(|received| {
        received.map(|(n, count)| {
            out[0] = count as i32;
            for (slot, &fd) in out[1..].iter_mut().zip(&raw[..count]) {
                // An fd (Unix, the only platform with descriptor passing) is an i32.
                #[allow(clippy::unnecessary_fallible_conversions, clippy::useless_conversion)]
                let fd = i32::try_from(fd).unwrap_or(-1);
                *slot = fd;
            }
            n
        })
    });
    count_or_null(env, result)
}

/// The first `count` of the Int32Array `fds`, as descriptors into `raw`; their number.
///
/// # Safety
/// The values are arguments of the running callback of `env`.
unsafe fn descriptors(
    env: sys::napi_env,
    fds: sys::napi_value,
    count: sys::napi_value,
    raw: &mut [RawSource],
) -> Result<usize, napi::Error> {
    let js_env = Env::from_raw(env);
    // SAFETY: forwarded from the caller.
    let Some(count) = (unsafe { napi_raw::number(env, count) }).and_then(whole) else {
        return Err(bad_fds(&js_env));
    };
    if count == 0 {
        return Ok(0);
    }
    if count > raw.len() {
        return Err(too_many(&js_env));
    }
    // SAFETY: forwarded; lib/net.ts's scratch array, untouched by anything else meanwhile.
    let fds = unsafe { napi_raw::typed_array::<i32>(env, fds, sys::TypedarrayType::int32_array) };
    let Some(fds) = fds.filter(|fds| fds.len() >= count) else {
        return Err(bad_fds(&js_env));
    };
    for (slot, &fd) in raw.iter_mut().zip(&fds[..count]) {
        // i32 → i32 on Unix; a negative one is no descriptor.
        #[allow(clippy::unnecessary_fallible_conversions, clippy::useless_conversion)]
        let fd = RawSource::try_from(fd).map_err(|_| bad_fds(&js_env))?;
        *slot = fd;
    }
    Ok(count)
}

/// `value` as a count, when it is a whole number ≥ 0.
fn whole(value: f64) -> Option<usize> {
    (value >= 0.0 && value <= u32::MAX as f64 && value as usize as f64 == value)
        .then_some(value as usize)
}

/// A string argument, read onto the stack (`room`); `None` for anything else (null,
/// undefined).
///
/// # Safety
/// `value` is an argument of the running callback of `env`.
unsafe fn path_arg<'a>(
    env: sys::napi_env,
    value: sys::napi_value,
    room: &'a mut [u8; PATH_ROOM],
) -> Result<Option<Cow<'a, str>>, napi::Error> {
    let mut len = 0usize;
    // SAFETY: forwarded; a null buffer asks for the length only.
    let status =
        unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut len) };
    if status != sys::Status::napi_ok {
        return Ok(None);
    }
    if len >= PATH_ROOM {
        // Too long for any socket path: the core refuses it (ENAMETOOLONG), given the text.
        // SAFETY: forwarded; `value` is a string (napi just said so).
        let text: String = unsafe { FromNapiValue::from_napi_value(env, value) }?;
        return Ok(Some(Cow::Owned(text)));
    }
    // SAFETY: forwarded; `room` has room for `len` bytes and the NUL napi writes.
    unsafe {
        sys::napi_get_value_string_utf8(env, value, room.as_mut_ptr().cast(), PATH_ROOM, &mut len)
    };
    // napi writes whole UTF-8 characters.
    Ok(std::str::from_utf8(&room[..len]).ok().map(Cow::Borrowed))
}

fn bad_fds(env: &Env) -> napi::Error {
    errors::js_error(
        env,
        Class::TypeError,
        "ERR_INVALID_ARG_TYPE",
        "expected lib/net.ts's descriptor array and count",
    )
}

fn too_many(env: &Env) -> napi::Error {
    errors::out_of_range(
        env,
        "fds",
        &format!("at most {MAX_FDS_PER_MESSAGE} descriptors per message"),
    )
}
