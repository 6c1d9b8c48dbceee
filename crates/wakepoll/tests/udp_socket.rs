//! UdpSocket: mio's udp_socket scenarios — datagrams with events, edge behaviour after
//! draining, connected sockets, peeking, registration rules, errors and options.

mod util;

use std::io;
use std::net::{self, SocketAddr};

use util::{assert_nonblocking_cloexec, assert_would_block, code, expect_no_events, wait_for};
use wakepoll::net::UdpSocket;
use wakepoll::{error, Events, Interest, Poll, Token, Waker};

const RX: Token = Token(1);
const TX: Token = Token(2);
const CONTROL: Token = Token(9);

fn localhost() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

fn bound() -> UdpSocket {
    UdpSocket::bind(localhost()).unwrap()
}

/// Receives datagrams until WouldBlock.
fn recv_all(socket: &UdpSocket) -> Vec<(Vec<u8>, SocketAddr)> {
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    loop {
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => got.push((buf[..n].to_vec(), from)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return got,
            Err(e) => panic!("recv_from: {e}"),
        }
    }
}

#[test]
fn a_socket_is_nonblocking_close_on_exec_and_writable() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut socket = bound();
    assert_nonblocking_cloexec(&socket);
    assert_would_block(socket.recv_from(&mut [0; 8]));
    poll.registry()
        .register(&mut socket, TX, Interest::WRITABLE)
        .unwrap();
    let seen = wait_for(&mut poll, &mut events, TX, |s| s.writable);
    assert!(!seen.readable, "{seen:?}");
}

#[test]
fn datagrams_report_readable_and_again_only_after_a_drain() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut rx = bound();
    let tx = bound();
    poll.registry()
        .register(&mut rx, RX, Interest::READABLE)
        .unwrap();
    let to = rx.local_addr().unwrap();
    let from = tx.local_addr().unwrap();

    assert_eq!(tx.send_to(b"one", to).unwrap(), 3);
    assert_eq!(tx.send_to(b"two", to).unwrap(), 3);
    wait_for(&mut poll, &mut events, RX, |s| s.readable);
    let mut got = recv_all(&rx);
    // Both datagrams are queued by the time the first is reported on loopback; if the
    // second came later, it reports again.
    if got.len() < 2 {
        wait_for(&mut poll, &mut events, RX, |s| s.readable);
        got.extend(recv_all(&rx));
    }
    assert_eq!(got, vec![(b"one".to_vec(), from), (b"two".to_vec(), from)]);
    expect_no_events(&mut poll, &mut events);

    tx.send_to(b"three", to).unwrap();
    wait_for(&mut poll, &mut events, RX, |s| s.readable);
    assert_eq!(recv_all(&rx), vec![(b"three".to_vec(), from)]);
    expect_no_events(&mut poll, &mut events);
}

#[test]
fn connected_sockets_send_and_recv() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut a = bound();
    let b = bound();
    assert_eq!(code(&a.peer_addr().unwrap_err()), "ENOTCONN");
    a.connect(b.local_addr().unwrap()).unwrap();
    b.connect(a.local_addr().unwrap()).unwrap();
    assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    poll.registry()
        .register(&mut a, RX, Interest::READABLE)
        .unwrap();

    assert_eq!(b.send(b"hello").unwrap(), 5);
    wait_for(&mut poll, &mut events, RX, |s| s.readable);
    let mut buf = [0; 16];
    assert_eq!(a.peek(&mut buf).unwrap(), 5);
    assert_eq!(a.recv(&mut buf).unwrap(), 5);
    assert_eq!(&buf[..5], b"hello");
    assert_would_block(a.recv(&mut buf));
}

#[test]
fn peek_from_leaves_the_datagram_queued() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut rx = bound();
    let tx = bound();
    poll.registry()
        .register(&mut rx, RX, Interest::READABLE)
        .unwrap();
    tx.send_to(b"peek", rx.local_addr().unwrap()).unwrap();
    wait_for(&mut poll, &mut events, RX, |s| s.readable);

    let mut buf = [0; 16];
    let (n, from) = rx.peek_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"peek"[..], tx.local_addr().unwrap()));
    assert_eq!(
        recv_all(&rx),
        vec![(b"peek".to_vec(), tx.local_addr().unwrap())]
    );
}

#[test]
#[cfg_attr(
    wakepoll_libkqueue,
    ignore = "libkqueue gap 5: it reads SO_ERROR on EPOLLERR, clearing the socket error"
)]
fn a_send_to_a_closed_port_comes_back_as_an_error() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let closed = bound().local_addr().unwrap();
    let mut socket = bound();
    socket.connect(closed).unwrap();
    poll.registry()
        .register(&mut socket, TX, Interest::READABLE)
        .unwrap();

    socket.send(b"anyone?").unwrap();
    if util::under_wine() {
        // wine 8.0 sets the socket's error but reports no event for it on a datagram socket
        // (and keeps it after it was read): check the error alone.
        let deadline = std::time::Instant::now() + util::EXPECT;
        let err = loop {
            if let Some(err) = socket.take_error().unwrap() {
                break err;
            }
            assert!(std::time::Instant::now() < deadline, "no pending error");
            std::thread::sleep(std::time::Duration::from_millis(1));
        };
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        assert_eq!(code(&err), "ECONNREFUSED");
        return;
    }
    // The ICMP "port unreachable" sets the socket's error. epoll and IOCP flag it as an error;
    // kqueue reports the socket readable without EV_EOF, which is not an error in mio's meaning.
    #[cfg(any(target_os = "linux", target_os = "android", windows))]
    {
        let seen = wait_for(&mut poll, &mut events, TX, |s| s.error);
        assert!(seen.error, "{seen:?}");
    }
    #[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
    wait_for(&mut poll, &mut events, TX, |s| s.readable || s.error);
    let err = socket.take_error().unwrap().expect("a pending error");
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    assert_eq!(code(&err), "ECONNREFUSED");
    assert!(socket.take_error().unwrap().is_none());
}

#[test]
fn no_events_after_deregister_but_the_datagrams_stay_readable() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let waker = Waker::new(poll.registry(), CONTROL).unwrap();
    let mut rx = bound();
    let tx = bound();
    let to = rx.local_addr().unwrap();
    poll.registry()
        .register(&mut rx, RX, Interest::READABLE)
        .unwrap();
    tx.send_to(b"a", to).unwrap();
    wait_for(&mut poll, &mut events, RX, |s| s.readable);
    poll.registry().deregister(&mut rx).unwrap();

    tx.send_to(b"b", to).unwrap();
    waker.wake().unwrap();
    let control = wait_for(&mut poll, &mut events, CONTROL, |s| s.readable);
    assert!(!control.others.contains(&RX), "{control:?}");
    expect_no_events(&mut poll, &mut events);

    let got: Vec<Vec<u8>> = recv_all(&rx).into_iter().map(|(d, _)| d).collect();
    assert_eq!(got, vec![b"a".to_vec(), b"b".to_vec()]);
}

#[test]
fn reregister_moves_the_socket_to_a_new_token() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut rx = bound();
    let tx = bound();
    poll.registry()
        .register(&mut rx, Token(5), Interest::WRITABLE)
        .unwrap();
    wait_for(&mut poll, &mut events, Token(5), |s| s.writable);
    poll.registry()
        .reregister(&mut rx, Token(6), Interest::READABLE)
        .unwrap();
    tx.send_to(b"x", rx.local_addr().unwrap()).unwrap();
    let seen = wait_for(&mut poll, &mut events, Token(6), |s| s.readable);
    assert!(
        !seen.writable,
        "the writable interest was replaced: {seen:?}"
    );
    assert!(!seen.others.contains(&Token(5)), "{seen:?}");
}

#[test]
fn a_socket_belongs_to_one_poll_at_a_time() {
    let first = Poll::new().unwrap();
    let second = Poll::new().unwrap();
    let mut socket = bound();
    first
        .registry()
        .register(&mut socket, RX, Interest::READABLE)
        .unwrap();
    let err = second
        .registry()
        .register(&mut socket, RX, Interest::READABLE)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(code(&err), "EEXIST");
    drop(first);
    // A Poll that is gone holds nothing.
    second
        .registry()
        .register(&mut socket, RX, Interest::READABLE)
        .unwrap();
}

#[test]
fn options_set_and_read_back() {
    let socket = bound();
    socket.set_broadcast(true).unwrap();
    assert!(socket.broadcast().unwrap());
    socket.set_ttl(9).unwrap();
    assert_eq!(socket.ttl().unwrap(), 9);
    socket.set_multicast_loop_v4(false).unwrap();
    assert!(!socket.multicast_loop_v4().unwrap());
    socket.set_multicast_ttl_v4(3).unwrap();
    assert_eq!(socket.multicast_ttl_v4().unwrap(), 3);
    assert!(socket.take_error().unwrap().is_none());

    // An IPv6-only option on an IPv4 socket fails with the OS's code and the call.
    let err = socket.only_v6().unwrap_err();
    let sys = error::sys_error(&err).expect("a SysError");
    assert_eq!(sys.syscall(), "getsockopt");
}

#[test]
fn ipv6_loopback_when_the_host_has_it() {
    let addr: SocketAddr = "[::1]:0".parse().unwrap();
    let Ok(mut rx) = UdpSocket::bind(addr) else {
        eprintln!("no IPv6 loopback here; skipping");
        return;
    };
    let tx = UdpSocket::bind(addr).unwrap();
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    poll.registry()
        .register(&mut rx, RX, Interest::READABLE)
        .unwrap();
    tx.send_to(b"six", rx.local_addr().unwrap()).unwrap();
    wait_for(&mut poll, &mut events, RX, |s| s.readable);
    assert_eq!(
        recv_all(&rx),
        vec![(b"six".to_vec(), tx.local_addr().unwrap())]
    );
    assert!(rx.only_v6().is_ok());
    rx.set_multicast_loop_v6(false).unwrap();
    assert!(!rx.multicast_loop_v6().unwrap());
}

#[test]
fn from_std_and_back() {
    let std_socket = net::UdpSocket::bind(localhost()).unwrap();
    std_socket.set_nonblocking(true).unwrap();
    let mut rx = UdpSocket::from_std(std_socket);
    let tx = bound();
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    poll.registry()
        .register(&mut rx, RX, Interest::READABLE)
        .unwrap();
    tx.send_to(b"s", rx.local_addr().unwrap()).unwrap();
    wait_for(&mut poll, &mut events, RX, |s| s.readable);
    let back: net::UdpSocket = rx.into();
    let mut buf = [0; 4];
    assert_eq!(back.recv_from(&mut buf).unwrap().0, 1);
}
