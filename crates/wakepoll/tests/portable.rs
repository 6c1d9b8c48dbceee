//! The platform-neutral items that code serving every platform (the Node binding) relies on:
//! `event::{RawSource, AsRawSource, SourceRaw}`, `as_pollable()`, and the Unix-only sources
//! under names that exist everywhere. On Unix they behave as their Unix counterparts; on
//! Windows (run under wine in CI) what the platform lacks fails with `ENOTSUP`, and a raw
//! `SOCKET` is watched level-triggered.

use std::io;
use std::net::SocketAddr;

use wakepoll::event::{AsRawSource, SourceRaw};
use wakepoll::net::{TcpListener, TcpStream, UnixDatagram, UnixListener, UnixStream};
use wakepoll::sync::{Event, WaitContext};
use wakepoll::{error, pipe, Interest, Poll, Token};

fn is_enotsup(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::Unsupported
        && error::sys_error(err).is_some_and(|e| e.code() == "ENOTSUP")
}

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

#[test]
fn sockets_give_their_raw_handle() {
    let listener = TcpListener::bind(loopback()).unwrap();
    let stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        assert_eq!(listener.as_raw_source(), listener.as_raw_fd());
        assert_eq!(stream.as_raw_source(), stream.as_raw_fd());
    }
    #[cfg(windows)]
    {
        use std::os::windows::io::AsRawSocket;
        assert_eq!(listener.as_raw_source(), listener.as_raw_socket());
        assert_eq!(stream.as_raw_source(), stream.as_raw_socket());
    }
}

#[cfg(unix)]
#[test]
fn pollable_handles_are_the_unix_fds() {
    use std::os::fd::AsRawFd;
    let poll = Poll::new().unwrap();
    assert_eq!(poll.as_pollable(), Some(poll.as_raw_fd()));
    assert_eq!(poll.registry().as_pollable(), Some(poll.as_raw_fd()));
    let event = Event::new().unwrap();
    assert_eq!(event.as_pollable(), Some(event.as_raw_fd()));
    let ctx = WaitContext::new().unwrap();
    assert_eq!(ctx.as_pollable(), Some(ctx.as_raw_fd()));
}

#[cfg(windows)]
#[test]
fn nothing_is_pollable_on_windows() {
    let poll = Poll::new().unwrap();
    assert_eq!(poll.as_pollable(), None);
    assert_eq!(poll.registry().as_pollable(), None);
    assert_eq!(Event::new().unwrap().as_pollable(), None);
    assert_eq!(WaitContext::new().unwrap().as_pollable(), None);
}

#[cfg(unix)]
#[test]
fn source_raw_watches_a_raw_fd_like_source_fd() {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::time::Duration;
    use wakepoll::Events;
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    b.set_nonblocking(true).unwrap();
    let fd = b.as_raw_fd();
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    poll.registry()
        .register(&mut SourceRaw(&fd), Token(3), Interest::READABLE)
        .unwrap();
    a.write_all(b"x").unwrap();
    poll.poll(&mut events, Some(Duration::from_secs(5)))
        .unwrap();
    assert!(events
        .iter()
        .any(|e| e.token() == Token(3) && e.is_readable()));
    poll.registry().deregister(&mut SourceRaw(&fd)).unwrap();
}

#[cfg(windows)]
#[test]
fn source_raw_watches_a_raw_socket_level_triggered_on_windows() {
    use std::io::{Read, Write};
    use std::time::Duration;
    use wakepoll::Events;
    let listener = std::net::TcpListener::bind(loopback()).unwrap();
    let mut a = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut b, _) = listener.accept().unwrap();
    b.set_nonblocking(true).unwrap();
    let raw = std::os::windows::io::AsRawSocket::as_raw_socket(&b);
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    poll.registry()
        .register(&mut SourceRaw(&raw), Token(3), Interest::READABLE)
        .unwrap();
    let err = poll
        .registry()
        .register(&mut SourceRaw(&raw), Token(3), Interest::READABLE)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    a.write_all(b"x").unwrap();
    let readable = |poll: &mut Poll, events: &mut Events, timeout| {
        poll.poll(events, Some(timeout)).unwrap();
        events
            .iter()
            .any(|e| e.token() == Token(3) && e.is_readable())
    };
    assert!(readable(&mut poll, &mut events, Duration::from_secs(5)));
    // Level-triggered: still unread, so reported again (the owner's reads never re-arm).
    assert!(readable(&mut poll, &mut events, Duration::from_secs(5)));
    let mut buf = [0u8; 4];
    assert_eq!(b.read(&mut buf).unwrap(), 1);
    assert!(!readable(&mut poll, &mut events, Duration::from_millis(50)));
    poll.registry().deregister(&mut SourceRaw(&raw)).unwrap();
    let err = poll
        .registry()
        .deregister(&mut SourceRaw(&raw))
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
}

#[test]
fn unix_kinds_exist_everywhere_and_fail_clearly_where_absent() {
    let dir = std::env::temp_dir().join(format!("wakepoll-portable-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("sock");
    let _ = std::fs::remove_file(&path);
    // The listener stays bound while the stream connects to it.
    let listener = UnixListener::bind(&path);
    let connected = UnixStream::connect(&path).map(drop);
    let results = [
        listener.map(drop),
        connected,
        UnixStream::pair().map(drop),
        UnixDatagram::unbound().map(drop),
        UnixDatagram::pair().map(drop),
        pipe::new().map(drop),
    ];
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_dir(&dir);
    for (i, result) in results.into_iter().enumerate() {
        if cfg!(unix) {
            assert!(result.is_ok(), "#{i}: {result:?}");
        } else {
            let err = result.unwrap_err();
            assert!(is_enotsup(&err), "#{i}: {err}");
        }
    }
}

#[test]
#[cfg_attr(
    wakepoll_libkqueue,
    ignore = "libkqueue gap 1: its kqueue fd is not pollable (a pipe's write end)"
)]
fn wait_ready_waits_for_events_without_collecting_them() {
    use std::time::Duration;
    use wakepoll::{Events, Waker};
    let mut poll = Poll::new().unwrap();
    let waker = Waker::new(poll.registry(), Token(7)).unwrap();
    let registry = poll.registry().try_clone().unwrap();
    assert!(!registry
        .wait_ready(Some(Duration::from_millis(10)))
        .unwrap());
    let waiter = std::thread::spawn(move || {
        // An interrupted wait returns false early: wait again.
        while !registry.wait_ready(Some(Duration::from_secs(10))).unwrap() {}
    });
    std::thread::sleep(Duration::from_millis(20));
    waker.wake().unwrap();
    waiter.join().unwrap();
    let mut events = Events::with_capacity(4);
    poll.poll(&mut events, Some(Duration::ZERO)).unwrap();
    let tokens: Vec<Token> = events.iter().map(|e| e.token()).collect();
    assert_eq!(tokens, vec![Token(7)]);
}

#[test]
#[cfg_attr(
    wakepoll_libkqueue,
    ignore = "libkqueue gap 1: its kqueue fd is not pollable (a pipe's write end)"
)]
fn wait_ready_keeps_the_deregister_guarantee() {
    use std::io::Write;
    use std::time::Duration;
    use wakepoll::Events;
    let listener = std::net::TcpListener::bind(loopback()).unwrap();
    let mut stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut peer, _) = listener.accept().unwrap();
    let mut poll = Poll::new().unwrap();
    poll.registry()
        .register(&mut stream, Token(1), Interest::READABLE)
        .unwrap();
    peer.write_all(b"x").unwrap();
    assert!(poll
        .registry()
        .wait_ready(Some(Duration::from_secs(5)))
        .unwrap());
    poll.registry().deregister(&mut stream).unwrap();
    let mut events = Events::with_capacity(4);
    poll.poll(&mut events, Some(Duration::from_millis(50)))
        .unwrap();
    assert!(events.iter().all(|e| e.token() != Token(1)));
}
