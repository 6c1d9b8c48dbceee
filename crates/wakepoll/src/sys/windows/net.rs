//! What every socket shares, over winsock: creation, IP addresses, options, sending and
//! receiving. The same functions, with the same names, as `sys/unix/net.rs`.
//!
//! Invariants:
//! * every socket made here is non-blocking (`FIONBIO`) and not inheritable by child
//!   processes (`WSA_FLAG_NO_HANDLE_INHERIT`) from before it is handed out, and owned
//!   (`OwnedSocket`) as soon as winsock returns it, so a failure in a later step closes it;
//! * winsock is started once per process (`WSAStartup` counts; wakepoll never cleans up, as
//!   std does not);
//! * each function makes one winsock call and names it in its error; `WSAEWOULDBLOCK` is kind
//!   `WouldBlock`, left to the caller (and to `IoSource::do_io`, which re-arms);
//! * as on Unix, a datagram longer than the buffer is truncated, not an error
//!   (`WSAEMSGSIZE` → the buffer's length), and a receive after `shutdown(Read)` is end of
//!   stream (`WSAESHUTDOWN` → 0), as std does on Windows.

use std::io::{self, IoSlice, IoSliceMut};
use std::mem::{self, size_of};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::windows::io::{AsRawSocket, BorrowedSocket, FromRawSocket, OwnedSocket, RawSocket};
use std::ptr;
use std::sync::Once;

use windows_sys::Win32::Foundation::{SetHandleInformation, HANDLE, HANDLE_FLAG_INHERIT};
use windows_sys::Win32::Networking::WinSock as ws;

use crate::error;

/// Runs a winsock call that reports failure as `SOCKET_ERROR` + `WSAGetLastError`, naming the
/// call in the error.
macro_rules! wsa {
    ($fn: ident ( $($arg: expr),* $(,)* ) ) => {{
        #[allow(unused_unsafe)]
        // SAFETY: each call site documents why its arguments are valid for `$fn`.
        let res = unsafe { ws::$fn($($arg, )*) };
        if res == ws::SOCKET_ERROR {
            Err($crate::sys::windows::net::last_error(stringify!($fn)))
        } else {
            Ok(res)
        }
    }};
}
pub(crate) use wsa;

/// The calling thread's last winsock error as the failure of `syscall`.
pub(crate) fn last_error(syscall: &'static str) -> io::Error {
    // SAFETY: reads the calling thread's last error; no arguments.
    error::from_errno(syscall, unsafe { ws::WSAGetLastError() })
}

fn raw(socket: BorrowedSocket<'_>) -> ws::SOCKET {
    socket.as_raw_socket() as ws::SOCKET
}

/// Starts winsock (version 2.2) once per process.
pub(crate) fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // SAFETY: WSADATA is plain C data; all zeroes is valid, and WSAStartup fills it.
        let mut data: ws::WSADATA = unsafe { mem::zeroed() };
        // SAFETY: `data` is a live local. A failure shows up as WSANOTINITIALISED from the
        // first socket call, with that call's name.
        unsafe { ws::WSAStartup(0x0202, &mut data) };
    });
}

/// A new socket of `domain` and `kind` (`SOCK_STREAM`, `SOCK_DGRAM`): non-blocking and not
/// inheritable.
pub(crate) fn new_socket(domain: u16, kind: i32) -> io::Result<OwnedSocket> {
    init();
    let flags = ws::WSA_FLAG_OVERLAPPED | ws::WSA_FLAG_NO_HANDLE_INHERIT;
    // SAFETY: no protocol info pointer; integers only.
    let socket = unsafe { ws::WSASocketW(i32::from(domain), kind, 0, ptr::null(), 0, flags) };
    if socket == ws::INVALID_SOCKET {
        return Err(last_error("WSASocketW"));
    }
    // SAFETY: `socket` was just returned by WSASocketW and nothing else owns it.
    let socket = unsafe { OwnedSocket::from_raw_socket(socket as RawSocket) };
    set_nonblocking(socket.as_socket_ref(), true)?;
    Ok(socket)
}

/// `OwnedSocket::as_socket` without importing the trait at every call site.
trait AsSocketRef {
    fn as_socket_ref(&self) -> BorrowedSocket<'_>;
}

impl AsSocketRef for OwnedSocket {
    fn as_socket_ref(&self) -> BorrowedSocket<'_> {
        std::os::windows::io::AsSocket::as_socket(self)
    }
}

/// Takes ownership of a socket winsock just returned (`accept`), making it non-inheritable.
pub(crate) fn adopt(socket: ws::SOCKET, syscall: &'static str) -> io::Result<OwnedSocket> {
    if socket == ws::INVALID_SOCKET {
        return Err(last_error(syscall));
    }
    // SAFETY: `socket` was just returned by winsock and nothing else owns it.
    let socket = unsafe { OwnedSocket::from_raw_socket(socket as RawSocket) };
    // SAFETY: the socket is ours and open; a SOCKET is a kernel handle.
    let ok =
        unsafe { SetHandleInformation(socket.as_raw_socket() as HANDLE, HANDLE_FLAG_INHERIT, 0) };
    if ok == 0 {
        return Err(error::last("SetHandleInformation"));
    }
    Ok(socket)
}

/// A new socket for `addr`'s family (`AF_INET` or `AF_INET6`).
pub(crate) fn new_ip_socket(addr: &SocketAddr, kind: i32) -> io::Result<OwnedSocket> {
    let domain = match addr {
        SocketAddr::V4(_) => ws::AF_INET,
        SocketAddr::V6(_) => ws::AF_INET6,
    };
    new_socket(domain, kind)
}

/// Puts the socket in (or out of) non-blocking mode; one `ioctlsocket(FIONBIO)`.
pub(crate) fn set_nonblocking(socket: BorrowedSocket<'_>, nonblocking: bool) -> io::Result<()> {
    let mut value = u32::from(nonblocking);
    // SAFETY: FIONBIO reads one u32 from the pointer, which points at a live local.
    wsa!(ioctlsocket(raw(socket), ws::FIONBIO, &mut value)).map(drop)
}

/// The base (provider) socket under any layered service providers: what AFD polls.
///
/// From mio 1.2.5's `get_base_socket` (MIT): `SIO_BASE_HANDLE` first; if an LSP intercepts
/// it, the `SIO_BSP_HANDLE*` queries.
pub(crate) fn base_socket(socket: RawSocket) -> io::Result<RawSocket> {
    let query = |ioctl: u32| -> io::Result<RawSocket> {
        let mut base: RawSocket = 0;
        let mut bytes = 0u32;
        // SAFETY: the output buffer is a live RawSocket of the size given; no input buffer,
        // no OVERLAPPED (a synchronous query).
        wsa!(WSAIoctl(
            socket as ws::SOCKET,
            ioctl,
            ptr::null(),
            0,
            (&mut base as *mut RawSocket).cast(),
            size_of::<RawSocket>() as u32,
            &mut bytes,
            ptr::null_mut(),
            None,
        ))?;
        Ok(base)
    };
    let first = query(ws::SIO_BASE_HANDLE);
    if first.is_ok() {
        return first;
    }
    for ioctl in [
        ws::SIO_BSP_HANDLE_SELECT,
        ws::SIO_BSP_HANDLE_POLL,
        ws::SIO_BSP_HANDLE,
    ] {
        match query(ioctl) {
            Ok(base) if base != socket => return Ok(base),
            _ => {}
        }
    }
    first
}

/// An IP address as winsock takes it.
#[repr(C)]
pub(crate) union SockAddr {
    v4: ws::SOCKADDR_IN,
    v6: ws::SOCKADDR_IN6,
}

impl SockAddr {
    /// The address of `addr`, and the length to pass with it.
    pub(crate) fn new(addr: &SocketAddr) -> (SockAddr, i32) {
        match addr {
            SocketAddr::V4(addr) => {
                let mut sin = ws::SOCKADDR_IN {
                    sin_family: ws::AF_INET,
                    sin_port: addr.port().to_be(),
                    ..Default::default()
                };
                sin.sin_addr.S_un.S_addr = u32::from_ne_bytes(addr.ip().octets());
                (SockAddr { v4: sin }, size_of::<ws::SOCKADDR_IN>() as i32)
            }
            SocketAddr::V6(addr) => {
                let mut sin6 = ws::SOCKADDR_IN6 {
                    sin6_family: ws::AF_INET6,
                    sin6_port: addr.port().to_be(),
                    sin6_flowinfo: addr.flowinfo(),
                    ..Default::default()
                };
                sin6.sin6_addr.u.Byte = addr.ip().octets();
                sin6.Anonymous.sin6_scope_id = addr.scope_id();
                (SockAddr { v6: sin6 }, size_of::<ws::SOCKADDR_IN6>() as i32)
            }
        }
    }

    pub(crate) fn as_ptr(&self) -> *const ws::SOCKADDR {
        (self as *const SockAddr).cast()
    }
}

/// An address winsock wrote (`getsockname`, `accept`, `recvfrom`), as a Rust `SocketAddr`;
/// `WSAEAFNOSUPPORT` if it is not an IP address.
pub(crate) fn to_socket_addr(
    storage: &ws::SOCKADDR_STORAGE,
    len: i32,
    syscall: &'static str,
) -> io::Result<SocketAddr> {
    let len = usize::try_from(len).unwrap_or(0);
    match storage.ss_family {
        ws::AF_INET if len >= size_of::<ws::SOCKADDR_IN>() => {
            // SAFETY: the family says the storage holds a SOCKADDR_IN, the length says winsock
            // wrote all of it, and SOCKADDR_STORAGE is aligned for every sockaddr.
            let sin =
                unsafe { &*(storage as *const ws::SOCKADDR_STORAGE).cast::<ws::SOCKADDR_IN>() };
            // SAFETY: every variant of the IN_ADDR union is the same four bytes.
            let ip = Ipv4Addr::from(unsafe { sin.sin_addr.S_un.S_addr }.to_ne_bytes());
            Ok(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)).into())
        }
        ws::AF_INET6 if len >= size_of::<ws::SOCKADDR_IN6>() => {
            // SAFETY: as above, for a SOCKADDR_IN6.
            let sin6 =
                unsafe { &*(storage as *const ws::SOCKADDR_STORAGE).cast::<ws::SOCKADDR_IN6>() };
            // SAFETY: every variant of these unions is plain bytes of the same size.
            let (octets, scope) = unsafe { (sin6.sin6_addr.u.Byte, sin6.Anonymous.sin6_scope_id) };
            let port = u16::from_be(sin6.sin6_port);
            Ok(SocketAddrV6::new(Ipv6Addr::from(octets), port, sin6.sin6_flowinfo, scope).into())
        }
        _ => Err(error::with_message(
            syscall,
            ws::WSAEAFNOSUPPORT,
            "the socket's address is not an IP address",
        )),
    }
}

/// Zeroed storage for an address winsock writes, and its length.
pub(crate) fn empty_storage() -> (ws::SOCKADDR_STORAGE, i32) {
    (
        ws::SOCKADDR_STORAGE::default(),
        size_of::<ws::SOCKADDR_STORAGE>() as i32,
    )
}

/// `bind` to an IP address.
pub(crate) fn bind(socket: BorrowedSocket<'_>, addr: &SocketAddr) -> io::Result<()> {
    let (sa, len) = SockAddr::new(addr);
    // SAFETY: `sa` holds a valid address of `len` bytes that lives across the call.
    wsa!(bind(raw(socket), sa.as_ptr(), len)).map(drop)
}

/// `connect` to an IP address. A connection still in progress (`WSAEWOULDBLOCK`) is `Ok`: the
/// socket reports writable once it is made, or an error once it failed (see [`take_error`]).
pub(crate) fn connect(socket: BorrowedSocket<'_>, addr: &SocketAddr) -> io::Result<()> {
    let (sa, len) = SockAddr::new(addr);
    // SAFETY: `sa` holds a valid address of `len` bytes that lives across the call.
    match wsa!(connect(raw(socket), sa.as_ptr(), len)) {
        Ok(_) => Ok(()),
        Err(err) if error::errno(&err) == Some(ws::WSAEWOULDBLOCK) => Ok(()),
        Err(err) => Err(err),
    }
}

/// The local IP address (`getsockname`).
pub(crate) fn local_addr(socket: BorrowedSocket<'_>) -> io::Result<SocketAddr> {
    let (mut storage, mut len) = empty_storage();
    // SAFETY: `storage` has room for `len` bytes, winsock updates `len`.
    wsa!(getsockname(
        raw(socket),
        (&mut storage as *mut ws::SOCKADDR_STORAGE).cast(),
        &mut len
    ))?;
    to_socket_addr(&storage, len, "getsockname")
}

/// The peer's IP address (`getpeername`); `WSAENOTCONN` while not connected.
pub(crate) fn peer_addr(socket: BorrowedSocket<'_>) -> io::Result<SocketAddr> {
    let (mut storage, mut len) = empty_storage();
    // SAFETY: `storage` has room for `len` bytes, winsock updates `len`.
    wsa!(getpeername(
        raw(socket),
        (&mut storage as *mut ws::SOCKADDR_STORAGE).cast(),
        &mut len
    ))?;
    to_socket_addr(&storage, len, "getpeername")
}

/// One buffer's length as winsock takes it: at most `i32::MAX` bytes per call (the rest waits
/// for the next call, as a short read or write).
fn len_i32(len: usize) -> i32 {
    len.min(i32::MAX as usize) as i32
}

/// Maps the receive errors that are not errors on Unix (see the module documentation).
fn recv_result(result: io::Result<i32>, buf_len: usize) -> io::Result<usize> {
    match result {
        Ok(n) => Ok(n as usize),
        Err(err) => match error::errno(&err) {
            Some(ws::WSAEMSGSIZE) => Ok(buf_len),
            Some(ws::WSAESHUTDOWN) => Ok(0),
            _ => Err(err),
        },
    }
}

/// `recv`: `Ok(0)` at end of stream (or for an empty datagram).
pub(crate) fn recv(socket: BorrowedSocket<'_>, buf: &mut [u8]) -> io::Result<usize> {
    recv_with(socket, buf, 0)
}

/// `recv` with `MSG_PEEK`: the data stays queued.
pub(crate) fn peek(socket: BorrowedSocket<'_>, buf: &mut [u8]) -> io::Result<usize> {
    recv_with(socket, buf, ws::MSG_PEEK)
}

fn recv_with(socket: BorrowedSocket<'_>, buf: &mut [u8], flags: i32) -> io::Result<usize> {
    let len = len_i32(buf.len());
    // SAFETY: `buf` is valid for writes of `len` bytes for the length of the call.
    let result = wsa!(recv(raw(socket), buf.as_mut_ptr(), len, flags));
    recv_result(result, len as usize)
}

/// `WSARecv` into `bufs` in order.
pub(crate) fn recv_vectored(
    socket: BorrowedSocket<'_>,
    bufs: &mut [IoSliceMut<'_>],
) -> io::Result<usize> {
    let count = bufs.len().min(u32::MAX as usize) as u32;
    let (mut received, mut flags) = (0u32, 0u32);
    // SAFETY: on Windows `IoSliceMut` is ABI-compatible with `WSABUF`; each describes a live,
    // writable buffer borrowed for the call; no OVERLAPPED: the call completes at once.
    let result = wsa!(WSARecv(
        raw(socket),
        bufs.as_mut_ptr().cast(),
        count,
        &mut received,
        &mut flags,
        ptr::null_mut(),
        None,
    ));
    let total: usize = bufs.iter().map(|b| b.len()).sum();
    recv_result(result.map(|_| received as i32), total)
}

/// `send`. Windows has no SIGPIPE: a send to a closed peer is just an error.
pub(crate) fn send(socket: BorrowedSocket<'_>, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for reads of its length (capped) for the length of the call.
    let n = wsa!(send(raw(socket), buf.as_ptr(), len_i32(buf.len()), 0))?;
    Ok(n as usize)
}

/// `WSASend` of `bufs` in order.
pub(crate) fn send_vectored(socket: BorrowedSocket<'_>, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    let count = bufs.len().min(u32::MAX as usize) as u32;
    let mut sent = 0u32;
    // SAFETY: on Windows `IoSlice` is ABI-compatible with `WSABUF`; each describes a live
    // buffer borrowed for the call, which winsock only reads; no OVERLAPPED.
    wsa!(WSASend(
        raw(socket),
        bufs.as_ptr().cast(),
        count,
        &mut sent,
        0,
        ptr::null_mut(),
        None,
    ))?;
    Ok(sent as usize)
}

/// `recvfrom`: one datagram, and the sender's IP address.
pub(crate) fn recv_from(
    socket: BorrowedSocket<'_>,
    buf: &mut [u8],
) -> io::Result<(usize, SocketAddr)> {
    recv_from_with(socket, buf, 0)
}

/// `recvfrom` with `MSG_PEEK`: the datagram stays queued.
pub(crate) fn peek_from(
    socket: BorrowedSocket<'_>,
    buf: &mut [u8],
) -> io::Result<(usize, SocketAddr)> {
    recv_from_with(socket, buf, ws::MSG_PEEK)
}

fn recv_from_with(
    socket: BorrowedSocket<'_>,
    buf: &mut [u8],
    flags: i32,
) -> io::Result<(usize, SocketAddr)> {
    let (mut storage, mut addr_len) = empty_storage();
    let len = len_i32(buf.len());
    // SAFETY: `buf` is writable for `len` bytes, `storage` for `addr_len` bytes, and winsock
    // updates `addr_len`.
    let result = wsa!(recvfrom(
        raw(socket),
        buf.as_mut_ptr(),
        len,
        flags,
        (&mut storage as *mut ws::SOCKADDR_STORAGE).cast(),
        &mut addr_len
    ));
    let n = recv_result(result, len as usize)?;
    Ok((n, to_socket_addr(&storage, addr_len, "recvfrom")?))
}

/// `sendto` an IP address.
pub(crate) fn send_to(
    socket: BorrowedSocket<'_>,
    buf: &[u8],
    target: &SocketAddr,
) -> io::Result<usize> {
    let (sa, addr_len) = SockAddr::new(target);
    // SAFETY: `buf` is readable for its (capped) length; `sa` holds a valid address of
    // `addr_len` bytes; both live across the call.
    let n = wsa!(sendto(
        raw(socket),
        buf.as_ptr(),
        len_i32(buf.len()),
        0,
        sa.as_ptr(),
        addr_len
    ))?;
    Ok(n as usize)
}

/// `shutdown` of one or both halves.
pub(crate) fn shutdown(socket: BorrowedSocket<'_>, how: Shutdown) -> io::Result<()> {
    let how = match how {
        Shutdown::Read => ws::SD_RECEIVE,
        Shutdown::Write => ws::SD_SEND,
        Shutdown::Both => ws::SD_BOTH,
    };
    // SAFETY: shutdown takes a socket and an integer.
    wsa!(shutdown(raw(socket), how)).map(drop)
}

/// Sets a socket option (`setsockopt`) to `value`, a plain C value of the option's type.
pub(crate) fn set_option<T: Copy>(
    socket: BorrowedSocket<'_>,
    level: i32,
    name: i32,
    value: T,
) -> io::Result<()> {
    // SAFETY: the pointer and length describe `value`, which lives across the call.
    wsa!(setsockopt(
        raw(socket),
        level,
        name,
        (&value as *const T).cast(),
        size_of::<T>() as i32
    ))
    .map(drop)
}

/// Reads an integer socket option (`getsockopt`).
pub(crate) fn option_int(socket: BorrowedSocket<'_>, level: i32, name: i32) -> io::Result<i32> {
    let mut value: i32 = 0;
    let mut len = size_of::<i32>() as i32;
    // SAFETY: the pointer and length describe `value`; winsock writes at most `len` bytes.
    wsa!(getsockopt(
        raw(socket),
        level,
        name,
        (&mut value as *mut i32).cast(),
        &mut len
    ))?;
    Ok(value)
}

/// Sets a boolean socket option.
pub(crate) fn set_flag(
    socket: BorrowedSocket<'_>,
    level: i32,
    name: i32,
    on: bool,
) -> io::Result<()> {
    set_option(socket, level, name, i32::from(on))
}

/// Reads a boolean socket option.
pub(crate) fn flag(socket: BorrowedSocket<'_>, level: i32, name: i32) -> io::Result<bool> {
    option_int(socket, level, name).map(|v| v != 0)
}

/// Takes the socket's pending error (`SO_ERROR`; winsock clears it when it is read, as Unix
/// does — wine 8.0 does not). The error names `getsockopt`, the call that fetched it.
pub(crate) fn take_error(socket: BorrowedSocket<'_>) -> io::Result<Option<io::Error>> {
    match option_int(socket, ws::SOL_SOCKET, ws::SO_ERROR)? {
        0 => Ok(None),
        errno => Ok(Some(error::from_errno("getsockopt", errno))),
    }
}

/// Sets the IP time-to-live (`IP_TTL`), as std does for both families.
pub(crate) fn set_ttl(socket: BorrowedSocket<'_>, ttl: u32) -> io::Result<()> {
    set_option(socket, ws::IPPROTO_IP, ws::IP_TTL, ttl as i32)
}

/// The IP time-to-live (`IP_TTL`).
pub(crate) fn ttl(socket: BorrowedSocket<'_>) -> io::Result<u32> {
    option_int(socket, ws::IPPROTO_IP, ws::IP_TTL).map(|v| v as u32)
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::{empty_storage, to_socket_addr, SockAddr};

    #[test]
    fn ip_addresses_round_trip() {
        for addr in ["127.0.0.1:8080", "[::1]:443", "[fe80::1%3]:9", "0.0.0.0:0"] {
            let addr: SocketAddr = addr.parse().unwrap();
            let (raw, len) = SockAddr::new(&addr);
            let (mut storage, _) = empty_storage();
            // SAFETY: `len` bytes of `raw` are initialised, and the storage is larger than
            // either member of the union.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    raw.as_ptr().cast::<u8>(),
                    &mut storage as *mut _ as *mut u8,
                    len as usize,
                )
            };
            assert_eq!(to_socket_addr(&storage, len, "test").unwrap(), addr);
        }
    }
}
