//! UnixDatagram: mio's unix_datagram scenarios — bound, unbound, paired and connected
//! sockets, edge behaviour after draining, registration rules and addresses.
#![cfg(unix)]

mod util;

use std::io;
use std::net::Shutdown;
use std::os::fd::AsRawFd;
use std::os::unix::net;
use std::path::Path;

use util::{
    assert_nonblocking_cloexec, assert_would_block, code, expect_no_events, temp_socket_path,
    wait_for,
};
use wakepoll::net::UnixDatagram;
use wakepoll::{Events, Interest, Poll, Token, Waker};

const A: Token = Token(1);
const B: Token = Token(2);
const CONTROL: Token = Token(9);

struct Cleanup<'a>(&'a Path);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
    }
}

fn recv_all(socket: &UnixDatagram) -> Vec<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match socket.recv(&mut buf) {
            Ok(n) => got.push(buf[..n].to_vec()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return got,
            Err(e) => panic!("recv: {e}"),
        }
    }
}

#[test]
fn bound_sockets_exchange_datagrams_with_addresses() {
    let (pa, pb) = (temp_socket_path("dgram-a"), temp_socket_path("dgram-b"));
    let (_ca, _cb) = (Cleanup(&pa), Cleanup(&pb));
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let a = UnixDatagram::bind(&pa).unwrap();
    let mut b = UnixDatagram::bind(&pb).unwrap();
    assert_nonblocking_cloexec(a.as_raw_fd());
    assert_eq!(a.local_addr().unwrap().as_pathname(), Some(&*pa));
    assert_eq!(code(&a.peer_addr().unwrap_err()), "ENOTCONN");
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();

    assert_eq!(a.send_to(b"hello", &pb).unwrap(), 5);
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    let mut buf = [0; 16];
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from.as_pathname()), (&b"hello"[..], Some(&*pa)));
    assert_would_block(b.recv_from(&mut buf));
}

#[test]
fn an_unbound_socket_sends_from_an_unnamed_address() {
    let path = temp_socket_path("dgram-unbound");
    let _c = Cleanup(&path);
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut rx = UnixDatagram::bind(&path).unwrap();
    let tx = UnixDatagram::unbound().unwrap();
    assert_nonblocking_cloexec(tx.as_raw_fd());
    poll.registry()
        .register(&mut rx, B, Interest::READABLE)
        .unwrap();
    tx.send_to(b"anon", &path).unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    let mut buf = [0; 8];
    let (n, from) = rx.recv_from(&mut buf).unwrap();
    assert_eq!(n, 4);
    assert!(from.is_unnamed());
}

#[test]
fn a_connected_socket_sends_and_receives_without_addresses() {
    let (pa, pb) = (temp_socket_path("dgram-ca"), temp_socket_path("dgram-cb"));
    let (_ca, _cb) = (Cleanup(&pa), Cleanup(&pb));
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let a = UnixDatagram::bind(&pa).unwrap();
    let mut b = UnixDatagram::bind(&pb).unwrap();
    a.connect(&pb).unwrap();
    assert_eq!(a.peer_addr().unwrap().as_pathname(), Some(&*pb));
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();
    a.send(b"direct").unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    assert_eq!(recv_all(&b), vec![b"direct".to_vec()]);
}

#[test]
fn pair_edge_behaviour_after_draining() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, mut b) = UnixDatagram::pair().unwrap();
    assert_nonblocking_cloexec(a.as_raw_fd());
    assert_nonblocking_cloexec(b.as_raw_fd());
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();

    a.send(b"1").unwrap();
    a.send(b"2").unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    assert_eq!(recv_all(&b), vec![b"1".to_vec(), b"2".to_vec()]);
    expect_no_events(&mut poll, &mut events);

    a.send(b"3").unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    assert_eq!(recv_all(&b), vec![b"3".to_vec()]);
}

#[test]
fn no_events_after_deregister_but_the_datagrams_stay_readable() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let waker = Waker::new(poll.registry(), CONTROL).unwrap();
    let (a, mut b) = UnixDatagram::pair().unwrap();
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();
    a.send(b"x").unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    poll.registry().deregister(&mut b).unwrap();
    a.send(b"y").unwrap();
    waker.wake().unwrap();
    let control = wait_for(&mut poll, &mut events, CONTROL, |s| s.readable);
    assert!(!control.others.contains(&B), "{control:?}");
    expect_no_events(&mut poll, &mut events);
    assert_eq!(recv_all(&b), vec![b"x".to_vec(), b"y".to_vec()]);
}

#[test]
fn reregister_and_one_poll_at_a_time() {
    let mut poll = Poll::new().unwrap();
    let other = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, mut b) = UnixDatagram::pair().unwrap();
    poll.registry()
        .register(&mut b, Token(50), Interest::READABLE)
        .unwrap();
    let err = other
        .registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap_err();
    assert_eq!(code(&err), "EEXIST");
    poll.registry()
        .reregister(&mut b, Token(51), Interest::READABLE)
        .unwrap();
    a.send(b"z").unwrap();
    let seen = wait_for(&mut poll, &mut events, Token(51), |s| s.readable);
    assert!(!seen.others.contains(&Token(50)), "{seen:?}");
}

#[test]
fn shutdown_ends_the_peers_stream_of_datagrams() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut a, b) = UnixDatagram::pair().unwrap();
    poll.registry()
        .register(&mut a, A, Interest::READABLE)
        .unwrap();
    b.shutdown(Shutdown::Write).unwrap();
    assert_eq!(code(&b.send(b"no").unwrap_err()), "EPIPE");
    a.shutdown(Shutdown::Read).unwrap();
    let seen = wait_for(&mut poll, &mut events, A, |s| s.read_closed);
    assert!(seen.read_closed, "{seen:?}");
    assert!(a.take_error().unwrap().is_none());
}

#[cfg(target_os = "linux")]
#[test]
fn abstract_names_work_on_linux() {
    use std::os::linux::net::SocketAddrExt;
    let name = format!("wakepoll-test-{}", std::process::id());
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let rx = UnixDatagram::bind_addr(&addr).unwrap();
    assert_eq!(
        rx.local_addr().unwrap().as_abstract_name(),
        Some(name.as_bytes())
    );
}

#[test]
fn from_std_and_back() {
    let (std_a, std_b) = net::UnixDatagram::pair().unwrap();
    std_b.set_nonblocking(true).unwrap();
    let mut b = UnixDatagram::from_std(std_b);
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();
    std_a.send(b"s").unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    let back: net::UnixDatagram = b.into();
    let mut buf = [0; 2];
    assert_eq!(back.recv(&mut buf).unwrap(), 1);
}
