//! Handing a socket to another process, Windows' way: `WSADuplicateSocketW` fills a
//! `WSAPROTOCOL_INFOW` for the target process (winsock duplicates the socket into it then),
//! which travels as text — its bytes in hex — by any channel (argv, a pipe, a file); the target
//! makes its socket from it with `WSASocketW(FROM_PROTOCOL_INFO, …)`.
//!
//! Invariants:
//! * the text is exactly the structure's bytes, two lowercase hex digits each; anything else
//!   is refused (`EINVAL`) before winsock sees it;
//! * the socket made in the target is non-blocking and not inheritable, as every socket
//!   wakepoll makes, and owned as soon as winsock returns it (a later failure closes it: it is
//!   this process's own copy, the source's socket is not touched).

use std::io;
use std::mem::size_of;
use std::os::windows::io::{AsRawSocket, BorrowedSocket, FromRawSocket, OwnedSocket, RawSocket};

use windows_sys::Win32::Networking::WinSock as ws;

use crate::error;
use crate::sys::windows::net::{init, set_nonblocking, wsa};

const INFO_LEN: usize = size_of::<ws::WSAPROTOCOL_INFOW>();
const HEX: &[u8; 16] = b"0123456789abcdef";

/// The text that lets process `pid` make its own socket for `socket` (see the module
/// documentation).
pub(crate) fn duplicate_for(socket: BorrowedSocket<'_>, pid: u32) -> io::Result<String> {
    let mut info = ws::WSAPROTOCOL_INFOW::default();
    // SAFETY: `info` is a live, writable WSAPROTOCOL_INFOW; the socket is borrowed, so open.
    wsa!(WSADuplicateSocketW(
        socket.as_raw_socket() as ws::SOCKET,
        pid,
        &mut info
    ))?;
    // SAFETY: WSAPROTOCOL_INFOW is plain integers and arrays of them: its bytes are all
    // initialised (it was zeroed, then written by winsock).
    let bytes: &[u8; INFO_LEN] =
        unsafe { &*(&info as *const ws::WSAPROTOCOL_INFOW).cast::<[u8; INFO_LEN]>() };
    let mut text = String::with_capacity(INFO_LEN * 2);
    for &b in bytes {
        text.push(char::from(HEX[usize::from(b >> 4)]));
        text.push(char::from(HEX[usize::from(b & 15)]));
    }
    Ok(text)
}

fn invalid() -> io::Error {
    error::with_message(
        "WSASocketW",
        ws::WSAEINVAL,
        "not the text of duplicateFor: expected the hex bytes of a WSAPROTOCOL_INFOW",
    )
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// This process's socket for the text that another process's [`duplicate_for`] made for it.
pub(crate) fn from_duplicate(text: &str) -> io::Result<OwnedSocket> {
    let text = text.as_bytes();
    if text.len() != INFO_LEN * 2 {
        return Err(invalid());
    }
    let mut info = ws::WSAPROTOCOL_INFOW::default();
    // SAFETY: every bit pattern is a valid WSAPROTOCOL_INFOW (integers and arrays of them),
    // and the view covers exactly its bytes.
    let bytes: &mut [u8; INFO_LEN] =
        unsafe { &mut *(&mut info as *mut ws::WSAPROTOCOL_INFOW).cast::<[u8; INFO_LEN]>() };
    for (byte, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
        *byte = match (hex_digit(pair[0]), hex_digit(pair[1])) {
            (Some(high), Some(low)) => high << 4 | low,
            _ => return Err(invalid()),
        };
    }
    init();
    let flags = ws::WSA_FLAG_OVERLAPPED | ws::WSA_FLAG_NO_HANDLE_INHERIT;
    let from = ws::FROM_PROTOCOL_INFO;
    // SAFETY: `info` is a live WSAPROTOCOL_INFOW that winsock only reads.
    let socket = unsafe { ws::WSASocketW(from, from, from, &info, 0, flags) };
    if socket == ws::INVALID_SOCKET {
        return Err(crate::sys::windows::net::last_error("WSASocketW"));
    }
    // SAFETY: `socket` was just returned by WSASocketW and nothing else owns it.
    let socket = unsafe { OwnedSocket::from_raw_socket(socket as RawSocket) };
    // SAFETY: `socket` is open and ours for the call.
    set_nonblocking(
        unsafe { BorrowedSocket::borrow_raw(socket.as_raw_socket()) },
        true,
    )?;
    Ok(socket)
}
