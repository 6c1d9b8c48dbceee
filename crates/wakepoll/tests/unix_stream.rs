//! UnixStream and UnixListener: mio's unix_stream and unix_listener scenarios — pairs and
//! path connections, edge-triggered reads, closes, registration rules, vectored I/O, errors.
#![cfg(unix)]

mod util;

use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::Shutdown;
use std::os::fd::AsRawFd;
use std::os::unix::net;
use std::path::Path;

use util::{
    assert_nonblocking_cloexec, assert_would_block, code, dup, expect_no_events,
    read_until_would_block, temp_socket_path, wait_for,
};
use wakepoll::net::{UnixListener, UnixStream};
use wakepoll::{error, Events, Interest, Poll, Token, Waker};

const LISTENER: Token = Token(0);
const A: Token = Token(1);
const B: Token = Token(2);
const CONTROL: Token = Token(9);

/// Removes the socket file when the test ends, pass or fail.
struct Cleanup<'a>(&'a Path);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
    }
}

#[test]
fn a_pair_is_connected_nonblocking_and_close_on_exec() {
    let (a, b) = UnixStream::pair().unwrap();
    for s in [&a, &b] {
        assert_nonblocking_cloexec(s.as_raw_fd());
        assert!(s.local_addr().unwrap().is_unnamed());
        assert!(s.peer_addr().unwrap().is_unnamed());
        assert!(s.take_error().unwrap().is_none());
    }
    assert_would_block((&a).read(&mut [0; 4]));
}

#[test]
fn connect_and_accept_over_a_path() {
    let path = temp_socket_path("listen");
    let _cleanup = Cleanup(&path);
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut listener = UnixListener::bind(&path).unwrap();
    assert_nonblocking_cloexec(listener.as_raw_fd());
    assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(&*path));
    assert_would_block(listener.accept());
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .unwrap();

    let mut client = UnixStream::connect(&path).unwrap();
    poll.registry()
        .register(&mut client, A, Interest::WRITABLE)
        .unwrap();
    let seen = wait_for(&mut poll, &mut events, LISTENER, |s| s.readable);
    let (mut server, peer) = listener.accept().unwrap();
    assert!(peer.is_unnamed());
    assert_nonblocking_cloexec(server.as_raw_fd());
    assert_would_block(listener.accept());
    assert_eq!(client.peer_addr().unwrap().as_pathname(), Some(&*path));
    // The client's writable event may have come with the listener's.
    if !seen.others.contains(&A) {
        wait_for(&mut poll, &mut events, A, |s| s.writable);
    }

    poll.registry()
        .register(&mut server, B, Interest::READABLE)
        .unwrap();
    client.write_all(b"over a path").unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    assert_eq!(
        read_until_would_block(&mut server),
        (b"over a path".to_vec(), false)
    );
}

#[test]
fn connect_addr_and_bind_addr_take_std_addresses() {
    let path = temp_socket_path("addr");
    let _cleanup = Cleanup(&path);
    let addr = std::os::unix::net::SocketAddr::from_pathname(&path).unwrap();
    let listener = UnixListener::bind_addr(&addr).unwrap();
    let client = UnixStream::connect_addr(&addr).unwrap();
    assert_eq!(client.peer_addr().unwrap().as_pathname(), Some(&*path));
    drop(listener);
}

#[test]
fn connecting_to_a_missing_path_is_enoent_from_connect() {
    let path = temp_socket_path("missing");
    let err = UnixStream::connect(&path).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    let sys = error::sys_error(&err).expect("a SysError");
    assert_eq!((sys.code(), sys.syscall()), ("ENOENT", "connect"));

    let long = std::env::temp_dir().join("x".repeat(200));
    assert_eq!(code(&UnixListener::bind(long).unwrap_err()), "ENAMETOOLONG");
}

#[test]
fn binding_a_taken_path_is_addr_in_use() {
    let path = temp_socket_path("taken");
    let _cleanup = Cleanup(&path);
    let _listener = UnixListener::bind(&path).unwrap();
    let err = UnixListener::bind(&path).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    assert_eq!(error::sys_error(&err).unwrap().syscall(), "bind");
}

#[test]
fn edge_triggered_reads_report_again_only_for_new_data() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut a, mut b) = UnixStream::pair().unwrap();
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();

    a.write_all(b"first").unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    assert_eq!(read_until_would_block(&mut b), (b"first".to_vec(), false));
    expect_no_events(&mut poll, &mut events);

    (&a).write_all(b"second").unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    assert_eq!(read_until_would_block(&b), (b"second".to_vec(), false));
}

#[test]
fn a_full_socket_reports_writable_again_once_the_peer_reads() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut a, mut b) = UnixStream::pair().unwrap();
    poll.registry()
        .register(&mut a, A, Interest::WRITABLE)
        .unwrap();
    wait_for(&mut poll, &mut events, A, |s| s.writable);

    let chunk = [7u8; 4096];
    let mut written = 0;
    loop {
        match a.write(&chunk) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("write: {e}"),
        }
    }
    expect_no_events(&mut poll, &mut events);
    let (read, _) = read_until_would_block(&mut b);
    assert_eq!(read.len(), written);
    wait_for(&mut poll, &mut events, A, |s| s.writable);
}

#[test]
fn peer_close_is_read_closed_and_end_of_stream() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, mut b) = UnixStream::pair().unwrap();
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();
    drop(a);
    let seen = wait_for(&mut poll, &mut events, B, |s| s.read_closed);
    assert!(seen.readable, "{seen:?}");
    assert_eq!(read_until_would_block(&mut b), (Vec::new(), true));
}

#[test]
fn shutdown_write_shows_the_peer_read_closed() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut a, mut b) = UnixStream::pair().unwrap();
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();
    a.write_all(b"bye").unwrap();
    a.shutdown(Shutdown::Write).unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.read_closed);
    assert_eq!(read_until_would_block(&mut b), (b"bye".to_vec(), true));
    assert_eq!(code(&a.write(b"more").unwrap_err()), "EPIPE");
}

#[test]
fn no_events_after_deregister_but_the_data_stays_readable() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let waker = Waker::new(poll.registry(), CONTROL).unwrap();
    let (mut a, mut b) = UnixStream::pair().unwrap();
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();
    a.write_all(b"1").unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    poll.registry().deregister(&mut b).unwrap();

    a.write_all(b"2").unwrap();
    waker.wake().unwrap();
    let control = wait_for(&mut poll, &mut events, CONTROL, |s| s.readable);
    assert!(!control.others.contains(&B), "{control:?}");
    a.write_all(b"3").unwrap();
    expect_no_events(&mut poll, &mut events);
    assert_eq!(read_until_would_block(&mut b), (b"123".to_vec(), false));
}

#[test]
fn reregister_moves_the_stream_to_a_new_token() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut a, mut b) = UnixStream::pair().unwrap();
    poll.registry()
        .register(&mut b, Token(40), Interest::READABLE)
        .unwrap();
    poll.registry()
        .reregister(&mut b, Token(41), Interest::READABLE)
        .unwrap();
    a.write_all(b"x").unwrap();
    let seen = wait_for(&mut poll, &mut events, Token(41), |s| s.readable);
    assert!(!seen.others.contains(&Token(40)), "{seen:?}");
}

#[test]
fn a_stream_belongs_to_one_poll_at_a_time() {
    let first = Poll::new().unwrap();
    let second = Poll::new().unwrap();
    let (mut a, _b) = UnixStream::pair().unwrap();
    first
        .registry()
        .register(&mut a, A, Interest::READABLE)
        .unwrap();
    let err = second
        .registry()
        .register(&mut a, A, Interest::READABLE)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(code(&err), "EEXIST");
}

#[test]
fn dropping_a_stream_ends_its_registration() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let waker = Waker::new(poll.registry(), CONTROL).unwrap();
    let (mut a, mut b) = UnixStream::pair().unwrap();
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();
    let keep = dup(b.as_raw_fd());
    drop(b);
    a.write_all(b"x").unwrap();
    waker.wake().unwrap();
    let control = wait_for(&mut poll, &mut events, CONTROL, |s| s.readable);
    assert!(!control.others.contains(&B), "{control:?}");
    expect_no_events(&mut poll, &mut events);
    drop(keep);
}

#[test]
fn vectored_io_round_trips() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, mut b) = UnixStream::pair().unwrap();
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();
    let n = (&a)
        .write_vectored(&[IoSlice::new(b"12"), IoSlice::new(b"345")])
        .unwrap();
    assert_eq!(n, 5);
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    let (mut x, mut y) = ([0u8; 3], [0u8; 3]);
    let n = b
        .read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)])
        .unwrap();
    assert_eq!((n, &x, &y[..2]), (5, b"123", &b"45"[..]));
}

#[test]
fn from_std_and_back() {
    let (std_a, std_b) = net::UnixStream::pair().unwrap();
    std_b.set_nonblocking(true).unwrap();
    let mut b = UnixStream::from_std(std_b);
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    poll.registry()
        .register(&mut b, B, Interest::READABLE)
        .unwrap();
    (&std_a).write_all(b"s").unwrap();
    wait_for(&mut poll, &mut events, B, |s| s.readable);
    let back: net::UnixStream = b.into();
    let mut buf = [0; 1];
    (&back).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"s");
    assert_eq!(
        (&back).read(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

#[test]
fn threads_racing_to_register_one_stream_with_their_own_polls_leave_exactly_one_registration() {
    use std::sync::{Arc, Barrier};
    use wakepoll::net::UnixStream;
    use wakepoll::{Interest, Poll, Token};

    const THREADS: usize = 4;
    for _ in 0..50 {
        let (a, _b) = UnixStream::pair().unwrap();
        let stream = Arc::new(a);
        let start = Arc::new(Barrier::new(THREADS));
        let results: Vec<_> = (0..THREADS)
            .map(|i| {
                let stream = Arc::clone(&stream);
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    let poll = Poll::new().unwrap();
                    start.wait();
                    let result =
                        poll.registry()
                            .register(&mut &*stream, Token(i), Interest::READABLE);
                    // A thread that registered deregisters; while it held the registration,
                    // every other thread was told EEXIST.
                    let deregistered = poll.registry().deregister(&mut &*stream);
                    (
                        result.map_err(|e| code(&e)),
                        deregistered.map_err(|e| code(&e)),
                    )
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert!(results.iter().any(|(r, _)| r.is_ok()), "{results:?}");
        for (registered, deregistered) in &results {
            match registered {
                Ok(()) => assert_eq!(deregistered, &Ok(()), "{results:?}"),
                Err(code) => assert_eq!(*code, "EEXIST", "{results:?}"),
            }
        }
    }
}
