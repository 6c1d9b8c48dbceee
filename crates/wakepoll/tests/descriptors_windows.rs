//! Descriptors in and out (issue #24) on Windows: checked adoption of a `SOCKET` handle value
//! (`from_raw_descriptor`, by its protocol info and `SO_ACCEPTCONN`), `into_raw_source`, and
//! `duplicate_for` / `from_duplicate` (`WSADuplicateSocketW`). Descriptor passing and socket
//! activation are Unix's: `UnixStream` adoption is `ENOTSUP` here, `listen_fds` empty. Run
//! under wine by scripts/cross/check-windows.sh; a process duplicating for another process is
//! __test__/descriptors-windows.test.ts (two node.exe).
#![cfg(windows)]

mod util;

use std::io::{Read, Write};
use std::os::windows::io::{AsRawHandle, AsRawSocket, IntoRawSocket};

use util::{assert_nonblocking_cloexec, code, wait_for};
use wakepoll::event::IntoRawSource;
use wakepoll::net::{
    listen_fds, socket_kind, AnySocket, SocketKind, TcpListener, TcpStream, UdpSocket, UnixStream,
};
use wakepoll::{Events, Interest, Poll, Token};
use windows_sys::Win32::Foundation::{SetHandleInformation, HANDLE, HANDLE_FLAG_INHERIT};

/// A socket made the way another program would: std's, then made inheritable.
fn inheritable(socket: &impl AsRawSocket) -> i64 {
    let raw = socket.as_raw_socket();
    // SAFETY: sets one flag of a handle the test holds open.
    let ok =
        unsafe { SetHandleInformation(raw as HANDLE, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT) };
    assert_ne!(ok, 0, "SetHandleInformation");
    raw as i64
}

fn kinds_of_this_platform() -> (
    std::net::TcpListener,
    std::net::TcpStream,
    std::net::UdpSocket,
) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    (listener, stream, udp)
}

#[test]
fn a_socket_handle_is_adopted_as_its_kind_and_made_non_inheritable() {
    let (listener, stream, udp) = kinds_of_this_platform();
    let raws = [
        inheritable(&listener),
        inheritable(&stream),
        inheritable(&udp),
    ];
    let kinds = [
        SocketKind::TcpListener,
        SocketKind::TcpStream,
        SocketKind::UdpSocket,
    ];
    for (raw, kind) in raws.into_iter().zip(kinds) {
        assert_eq!(socket_kind(raw as u64).unwrap(), kind);
    }
    // The std objects give their handles up; each adopted type now owns one.
    let (l, s, u) = (
        listener.into_raw_socket(),
        stream.into_raw_socket(),
        udp.into_raw_socket(),
    );
    // SAFETY: each handle was just given up by std and is handed over here.
    let adopted = unsafe {
        (
            TcpListener::from_raw_descriptor(l as i64).unwrap(),
            TcpStream::from_raw_descriptor(s as i64).unwrap(),
            UdpSocket::from_raw_descriptor(u as i64).unwrap(),
        )
    };
    assert_nonblocking_cloexec(&adopted.0);
    assert_nonblocking_cloexec(&adopted.1);
    assert_nonblocking_cloexec(&adopted.2);
    // The same listener (the stream's connection is pending on it), and non-blocking: with
    // nothing more pending, WouldBlock rather than a hang.
    assert!(adopted.0.accept().is_ok());
    assert_eq!(
        adopted.0.accept().unwrap_err().kind(),
        std::io::ErrorKind::WouldBlock
    );
}

#[test]
fn another_kind_is_einval_naming_it_and_the_socket_stays_usable() {
    let (listener, stream, udp) = kinds_of_this_platform();
    let l = inheritable(&listener);
    let u = inheritable(&udp);
    // SAFETY: each call fails (a wrong kind), so nothing is taken: std keeps ownership.
    let errors = unsafe {
        [
            TcpStream::from_raw_descriptor(l).unwrap_err(),
            UdpSocket::from_raw_descriptor(l).unwrap_err(),
            TcpListener::from_raw_descriptor(u).unwrap_err(),
            TcpStream::from_raw_descriptor(u).unwrap_err(),
        ]
    };
    for err in &errors {
        assert_eq!(code(err), "EINVAL", "{err}");
    }
    assert!(
        errors[0].to_string().contains("a listening TCP socket"),
        "{}",
        errors[0]
    );
    assert!(
        errors[2].to_string().contains("a UDP socket"),
        "{}",
        errors[2]
    );
    // Still open and as they were: std's blocking calls work on them. (The pending connection
    // is `stream`'s.)
    let (mut accepted, _) = listener.accept().unwrap();
    let mut stream = stream;
    stream.write_all(b"ok").unwrap();
    let mut buf = [0; 2];
    accepted.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ok");
    udp.send_to(b"u", udp.local_addr().unwrap()).unwrap();
    assert_eq!(udp.recv(&mut buf).unwrap(), 1);
}

#[test]
fn a_handle_that_is_no_socket_is_enotsock() {
    let event = wakepoll::sync::Event::new().unwrap();
    let handle = event.as_raw_handle() as i64;
    // SAFETY: an event object is no socket: nothing is taken.
    let err = unsafe { TcpListener::from_raw_descriptor(handle) }.unwrap_err();
    assert_eq!(code(&err), "ENOTSOCK");
    // A value no handle has, and a negative one.
    for raw in [0x7fff_fff0, -1] {
        // SAFETY: no such socket: nothing is taken.
        let err = unsafe { UdpSocket::from_raw_descriptor(raw) }.unwrap_err();
        assert_eq!(code(&err), "ENOTSOCK", "{raw}");
    }
    event.signal().unwrap();
}

#[test]
fn unix_sockets_and_activation_are_unix_only() {
    // SAFETY: nothing is taken (Unix domain sockets do not exist here).
    let err = unsafe { UnixStream::from_raw_descriptor(3) }.unwrap_err();
    assert_eq!(code(&err), "ENOTSUP");
    assert!(err.to_string().contains("duplicateFor"), "{err}");
    assert!(listen_fds(true).unwrap().is_empty());
}

#[test]
fn into_raw_source_gives_the_socket_up_open() {
    let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let raw = listener.into_raw_source();
    // SAFETY: into_raw_source gave this handle to the test.
    let again = unsafe { AnySocket::from_raw_descriptor(raw as i64) }.unwrap();
    assert_eq!(again.kind(), SocketKind::TcpListener);
    let AnySocket::TcpListener(again) = again else {
        unreachable!()
    };
    assert_eq!(again.local_addr().unwrap(), addr);
}

#[test]
fn a_duplicate_made_for_this_process_is_the_same_socket() {
    let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let text = listener.duplicate_for(std::process::id()).unwrap();
    assert!(text.bytes().all(|b| b.is_ascii_hexdigit()), "{text}");
    let mut copy = TcpListener::from_duplicate(&text).unwrap();
    assert_nonblocking_cloexec(&copy);
    assert_eq!(copy.local_addr().unwrap(), listener.local_addr().unwrap());
    drop(listener);
    // The copy alone keeps it listening.
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    poll.registry()
        .register(&mut copy, Token(1), Interest::READABLE)
        .unwrap();
    let _client = std::net::TcpStream::connect(copy.local_addr().unwrap()).unwrap();
    wait_for(&mut poll, &mut events, Token(1), |s| s.readable);
    assert!(copy.accept().is_ok());
}

#[test]
fn a_duplicate_of_another_kind_or_bad_text_is_einval() {
    let udp = UdpSocket::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let text = udp.duplicate_for(std::process::id()).unwrap();
    let err = TcpListener::from_duplicate(&text).unwrap_err();
    assert_eq!(code(&err), "EINVAL");
    assert!(err.to_string().contains("a UDP socket"), "{err}");
    for bad in [
        "",
        "00",
        "zz",
        &text[..text.len() - 2],
        &format!("{text}00"),
    ] {
        let err = UdpSocket::from_duplicate(bad).unwrap_err();
        assert_eq!(code(&err), "EINVAL", "{bad:?}");
    }
}
