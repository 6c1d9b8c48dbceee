//! TcpListener and connecting: mio's tcp scenarios — accept until WouldBlock, a deregistered
//! listener stays silent, refused connections, registration rules, options and conversions.

mod util;

use std::io::{self, Read, Write};
use std::net::{self, SocketAddr};

use util::{
    assert_nonblocking_cloexec, assert_would_block, code, expect_no_events, wait_for, ECONNREFUSED,
    EXPECT, SELECTOR_CTL,
};
use wakepoll::net::{TcpListener, TcpStream};
use wakepoll::{error, Events, Interest, Poll, Token, Waker};

const LISTENER: Token = Token(0);
const CLIENT: Token = Token(1);
const CONTROL: Token = Token(9);

fn localhost() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

#[test]
fn a_listener_is_nonblocking_close_on_exec_and_bound() {
    let listener = TcpListener::bind(localhost()).unwrap();
    assert_nonblocking_cloexec(&listener);
    let addr = listener.local_addr().unwrap();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_would_block(listener.accept());
    assert!(listener.take_error().unwrap().is_none());
}

#[test]
fn accept_until_would_block_then_a_new_connection_reports_again() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut listener = TcpListener::bind(localhost()).unwrap();
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .unwrap();
    let addr = listener.local_addr().unwrap();

    let clients: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(addr).unwrap()).collect();
    let mut accepted = Vec::new();
    // Connections may land over more than one event: accept after each until WouldBlock.
    let deadline = std::time::Instant::now() + EXPECT;
    while accepted.len() < clients.len() {
        assert!(
            std::time::Instant::now() < deadline,
            "only {} accepted",
            accepted.len()
        );
        wait_for(&mut poll, &mut events, LISTENER, |s| s.readable);
        loop {
            match listener.accept() {
                Ok((stream, peer)) => {
                    assert_nonblocking_cloexec(&stream);
                    accepted.push((stream, peer));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("accept: {e}"),
            }
        }
    }
    let mut peers: Vec<_> = accepted.iter().map(|(_, p)| *p).collect();
    let mut locals: Vec<_> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
    peers.sort();
    locals.sort();
    assert_eq!(peers, locals);
    expect_no_events(&mut poll, &mut events);

    let _late = TcpStream::connect(addr).unwrap();
    wait_for(&mut poll, &mut events, LISTENER, |s| s.readable);
    listener.accept().unwrap();
    assert_would_block(listener.accept());
}

#[test]
fn a_deregistered_listener_with_a_pending_connection_is_never_reported() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let waker = Waker::new(poll.registry(), CONTROL).unwrap();
    let mut listener = TcpListener::bind(localhost()).unwrap();
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .unwrap();

    let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    poll.registry().deregister(&mut listener).unwrap();
    waker.wake().unwrap();
    let control = wait_for(&mut poll, &mut events, CONTROL, |s| s.readable);
    assert!(!control.others.contains(&LISTENER), "{control:?}");
    expect_no_events(&mut poll, &mut events);

    // The connection is still pending: a Poll the listener moves to reports it.
    let mut other = Poll::new().unwrap();
    other
        .registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .unwrap();
    wait_for(&mut other, &mut events, LISTENER, |s| s.readable);
    listener.accept().unwrap();
}

#[test]
#[cfg_attr(
    wakepoll_libkqueue,
    ignore = "libkqueue gap 5: it reads SO_ERROR on EPOLLERR, clearing the socket error"
)]
fn a_refused_connect_reports_writable_with_an_error_and_take_error_tells_which() {
    // A port that was just ours and is closed now.
    let addr = TcpListener::bind(localhost())
        .unwrap()
        .local_addr()
        .unwrap();

    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut client = match TcpStream::connect(addr) {
        Ok(client) => client,
        Err(e) => {
            // Some kernels refuse at once; that is an answer too.
            eprintln!("connect refused at once");
            assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused, "{e}");
            return;
        }
    };
    poll.registry()
        .register(&mut client, CLIENT, Interest::READABLE | Interest::WRITABLE)
        .unwrap();
    let seen = wait_for(&mut poll, &mut events, CLIENT, |s| s.writable && s.error);
    assert!(seen.writable && seen.error, "{seen:?}");

    let err = client.take_error().unwrap().expect("a pending error");
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    assert_eq!(error::errno(&err), Some(ECONNREFUSED));
    let sys = error::sys_error(&err).expect("a SysError");
    assert_eq!((sys.code(), sys.syscall()), ("ECONNREFUSED", "getsockopt"));
    // wine 8.0 keeps SO_ERROR after it was read; Windows and Unix clear it.
    if !util::under_wine() {
        assert!(client.take_error().unwrap().is_none(), "taking clears it");
    }

    let not_connected = client.peer_addr().unwrap_err();
    assert_eq!(code(&not_connected), "ENOTCONN");
}

#[test]
fn a_listener_belongs_to_one_poll_at_a_time() {
    let first = Poll::new().unwrap();
    let second = Poll::new().unwrap();
    let mut listener = TcpListener::bind(localhost()).unwrap();
    first
        .registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .unwrap();
    let err = second
        .registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    let sys = error::sys_error(&err).unwrap();
    assert_eq!((sys.code(), sys.syscall()), ("EEXIST", SELECTOR_CTL));
}

#[test]
fn reregister_moves_a_listener_to_a_new_token() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut listener = TcpListener::bind(localhost()).unwrap();
    poll.registry()
        .register(&mut listener, Token(3), Interest::READABLE)
        .unwrap();
    poll.registry()
        .reregister(&mut listener, Token(4), Interest::READABLE)
        .unwrap();
    let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let seen = wait_for(&mut poll, &mut events, Token(4), |s| s.readable);
    assert!(!seen.others.contains(&Token(3)), "{seen:?}");
}

#[test]
fn a_shared_listener_registers_through_a_reference() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let listener = std::sync::Arc::new(TcpListener::bind(localhost()).unwrap());
    poll.registry()
        .register(&mut &*listener, LISTENER, Interest::READABLE)
        .unwrap();
    let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    wait_for(&mut poll, &mut events, LISTENER, |s| s.readable);
    poll.registry().deregister(&mut &*listener).unwrap();
}

#[test]
fn ttl_sets_and_reads_back() {
    let listener = TcpListener::bind(localhost()).unwrap();
    listener.set_ttl(42).unwrap();
    assert_eq!(listener.ttl().unwrap(), 42);
}

#[test]
fn binding_a_taken_port_is_addr_in_use_with_its_syscall() {
    let listener = TcpListener::bind(localhost()).unwrap();
    let err = TcpListener::bind(listener.local_addr().unwrap()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    let sys = error::sys_error(&err).unwrap();
    assert_eq!((sys.code(), sys.syscall()), ("EADDRINUSE", "bind"));
}

#[test]
fn from_std_and_back() {
    let std_listener = net::TcpListener::bind(localhost()).unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut listener = TcpListener::from_std(std_listener);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .unwrap();
    let mut client = net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    wait_for(&mut poll, &mut events, LISTENER, |s| s.readable);
    let (mut stream, _) = listener.accept().unwrap();

    let back: net::TcpListener = listener.into();
    assert_would_block(back.accept());

    client.write_all(b"ok").unwrap();
    poll.registry()
        .register(&mut stream, CLIENT, Interest::READABLE)
        .unwrap();
    wait_for(&mut poll, &mut events, CLIENT, |s| s.readable);
    let mut buf = [0; 2];
    stream.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ok");
}

#[test]
fn every_source_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<TcpListener>();
    check::<TcpStream>();
    check::<wakepoll::net::UdpSocket>();
    #[cfg(unix)]
    {
        check::<wakepoll::net::UnixListener>();
        check::<wakepoll::net::UnixStream>();
        check::<wakepoll::net::UnixDatagram>();
        check::<wakepoll::unix::pipe::Sender>();
        check::<wakepoll::unix::pipe::Receiver>();
    }
}
