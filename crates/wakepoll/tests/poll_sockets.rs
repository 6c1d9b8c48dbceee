//! `Poll` and `Registry` semantics over wakepoll's own sockets: the scenarios of `poll.rs` and
//! `registry.rs` (which watch raw fds through `SourceFd`, Unix only) that every platform must
//! pass — timeouts, capacity, registrations from other threads, the deregister guarantee,
//! reregistering, edges, closes, large tokens, unsupported interests.

mod util;

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use util::{code, expect_no_events, read_until_would_block, tokens, wait_for, EXPECT};
use wakepoll::net::{TcpListener, TcpStream};
use wakepoll::{Events, Interest, Poll, Token, Waker};

const CONTROL: Token = Token(99);

/// A connected pair of non-blocking TCP streams on the loopback interface.
fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let deadline = Instant::now() + EXPECT;
    loop {
        match listener.accept() {
            Ok((server, _)) => return (client, server),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(1));
            }
            Err(e) => panic!("accept: {e}"),
        }
    }
}

#[test]
fn zero_timeout_collects_what_is_ready() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    let (mut client, mut server) = pair();
    poll.registry()
        .register(&mut server, Token(1), Interest::READABLE)
        .unwrap();
    poll.poll(&mut events, Some(Duration::ZERO)).unwrap();
    assert!(events.is_empty(), "{events:?}");
    client.write_all(b"x").unwrap();
    // A zero timeout never blocks: ask until the data has crossed the loopback.
    let deadline = Instant::now() + EXPECT;
    loop {
        poll.poll(&mut events, Some(Duration::ZERO)).unwrap();
        if !events.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "no event for ready data");
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(tokens(&events), vec![Token(1)]);
}

#[test]
fn timeouts_are_never_shortened() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    for timeout in [
        Duration::from_micros(100),
        Duration::from_micros(1_500),
        Duration::from_millis(15),
    ] {
        let start = Instant::now();
        poll.poll(&mut events, Some(timeout)).unwrap();
        let waited = start.elapsed();
        assert!(events.is_empty());
        assert!(waited >= timeout, "asked {timeout:?}, waited {waited:?}");
    }
}

#[test]
fn events_that_do_not_fit_come_with_the_next_call() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(2);
    let mut pairs: Vec<_> = (0..5).map(|_| pair()).collect();
    for (i, (client, _)) in pairs.iter_mut().enumerate() {
        poll.registry()
            .register(client, Token(i), Interest::WRITABLE)
            .unwrap();
    }
    let mut seen = Vec::new();
    let deadline = Instant::now() + EXPECT;
    while seen.len() < 5 {
        assert!(Instant::now() < deadline, "saw only {seen:?}");
        poll.poll(&mut events, Some(Duration::from_millis(10)))
            .unwrap();
        assert!(events.len() <= 2, "{events:?}");
        seen.extend(tokens(&events));
    }
    seen.sort();
    assert_eq!(seen, (0..5).map(Token).collect::<Vec<_>>());
    assert_eq!(events.capacity(), 2);
}

#[test]
fn registration_from_another_thread_takes_effect_in_a_blocking_poll() {
    let mut poll = Poll::new().unwrap();
    let registry = poll.registry().try_clone().unwrap();
    let (mut client, server) = pair();
    let server = Arc::new(server);
    let barrier = Arc::new(Barrier::new(2));

    let other = {
        let (barrier, server) = (Arc::clone(&barrier), Arc::clone(&server));
        thread::spawn(move || {
            barrier.wait();
            // Give the poll below time to block first.
            thread::sleep(Duration::from_millis(20));
            registry
                .register(&mut &*server, Token(42), Interest::READABLE)
                .unwrap();
            client.write_all(b"x").unwrap();
            client
        })
    };
    let mut events = Events::with_capacity(4);
    barrier.wait();
    poll.poll(&mut events, None).unwrap();
    assert_eq!(tokens(&events), vec![Token(42)]);
    drop(other.join().unwrap());
}

#[test]
fn try_clone_shares_the_selector() {
    let mut poll = Poll::new().unwrap();
    let clone = poll.registry().try_clone().unwrap();
    let (mut client, mut server) = pair();
    clone
        .register(&mut server, Token(8), Interest::READABLE)
        .unwrap();
    drop(clone);
    client.write_all(b"x").unwrap();
    let mut events = Events::with_capacity(4);
    wait_for(&mut poll, &mut events, Token(8), |s| s.readable);
}

/// The hard case on IOCP: the readiness completion is already queued in the port when the
/// deregistration happens.
#[test]
fn deregister_guarantee_holds_for_pending_readiness() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let waker = Waker::new(poll.registry(), CONTROL).unwrap();
    let (mut client, mut server) = pair();
    poll.registry()
        .register(&mut server, Token(3), Interest::READABLE)
        .unwrap();
    // Arms the registration (on IOCP: starts the AFD poll), collects nothing.
    poll.poll(&mut events, Some(Duration::ZERO)).unwrap();
    assert!(events.is_empty(), "{events:?}");

    client.write_all(b"pending").unwrap();
    // Time for the readiness to be queued, uncollected.
    thread::sleep(Duration::from_millis(50));
    poll.registry().deregister(&mut server).unwrap();
    client.write_all(b"more").unwrap();

    waker.wake().unwrap();
    let control = wait_for(&mut poll, &mut events, CONTROL, |s| s.readable);
    assert!(!control.others.contains(&Token(3)), "{control:?}");
    expect_no_events(&mut poll, &mut events);
    assert_eq!(
        read_until_would_block(&mut server),
        (b"pendingmore".to_vec(), false)
    );
}

#[test]
fn double_register_and_unknown_reregister_or_deregister_are_errors() {
    let poll = Poll::new().unwrap();
    let (_client, mut server) = pair();
    for err in [
        poll.registry()
            .reregister(&mut server, Token(1), Interest::READABLE)
            .unwrap_err(),
        poll.registry().deregister(&mut server).unwrap_err(),
    ] {
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(code(&err), "ENOENT");
        assert!(err.to_string().contains("not registered"), "{err}");
    }
    poll.registry()
        .register(&mut server, Token(1), Interest::READABLE)
        .unwrap();
    let err = poll
        .registry()
        .register(&mut server, Token(2), Interest::READABLE)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(code(&err), "EEXIST");
    assert!(err.to_string().contains("already registered"), "{err}");
}

#[test]
fn reregister_replaces_token_and_interest_completely() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, mut server) = pair();
    poll.registry()
        .register(
            &mut server,
            Token(1),
            Interest::READABLE | Interest::WRITABLE,
        )
        .unwrap();
    wait_for(&mut poll, &mut events, Token(1), |s| s.writable);

    // Writable is no longer asked for, and the token changes.
    poll.registry()
        .reregister(&mut server, Token(2), Interest::READABLE)
        .unwrap();
    expect_no_events(&mut poll, &mut events);

    client.write_all(b"x").unwrap();
    let seen = wait_for(&mut poll, &mut events, Token(2), |s| s.readable);
    assert!(!seen.writable, "{seen:?}");
    assert!(!seen.others.contains(&Token(1)), "{seen:?}");
}

/// On IOCP the poll already in the kernel does not ask for the new interest: the reregister
/// must cancel it (`NtCancelIoFileEx`) and start one that does.
#[test]
fn reregister_adds_an_interest_to_an_armed_registration() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (_client, mut server) = pair();
    poll.registry()
        .register(&mut server, Token(1), Interest::READABLE)
        .unwrap();
    // Armed for readable only; nothing to read.
    expect_no_events(&mut poll, &mut events);

    poll.registry()
        .reregister(
            &mut server,
            Token(2),
            Interest::READABLE | Interest::WRITABLE,
        )
        .unwrap();
    let seen = wait_for(&mut poll, &mut events, Token(2), |s| s.writable);
    assert!(!seen.others.contains(&Token(1)), "{seen:?}");
}

#[test]
#[cfg_attr(
    wakepoll_libkqueue,
    ignore = "libkqueue gap 4: EV_ADD of an existing knote does not re-report a source still ready"
)]
fn reregister_rearms_a_source_that_is_still_ready() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, mut server) = pair();
    poll.registry()
        .register(&mut server, Token(1), Interest::READABLE)
        .unwrap();
    client.write_all(b"x").unwrap();
    wait_for(&mut poll, &mut events, Token(1), |s| s.readable);
    expect_no_events(&mut poll, &mut events);

    poll.registry()
        .reregister(&mut server, Token(1), Interest::READABLE)
        .unwrap();
    wait_for(&mut poll, &mut events, Token(1), |s| s.readable);
}

#[test]
fn edge_triggered_until_drained_then_new_data_reports_again() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, mut server) = pair();
    poll.registry()
        .register(&mut server, Token(5), Interest::READABLE)
        .unwrap();

    client.write_all(b"hello").unwrap();
    wait_for(&mut poll, &mut events, Token(5), |s| s.readable);
    // Reported once: no new event without new data, until drained.
    expect_no_events(&mut poll, &mut events);
    assert_eq!(
        read_until_would_block(&mut server),
        (b"hello".to_vec(), false)
    );
    expect_no_events(&mut poll, &mut events);

    client.write_all(b"again").unwrap();
    wait_for(&mut poll, &mut events, Token(5), |s| s.readable);
}

/// A read of a stream socket that returns fewer bytes than the buffer holds counts as
/// reaching `WouldBlock`: the next data reports again though no read ever returned
/// `WouldBlock`. epoll and kqueue do this themselves; IOCP re-arms its AFD poll after the
/// short read (without that, the last `wait_for` below times out under wine).
#[test]
fn a_short_read_counts_as_drained_new_data_reports_again() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, mut server) = pair();
    poll.registry()
        .register(&mut server, Token(5), Interest::READABLE)
        .unwrap();

    client.write_all(b"hello").unwrap();
    let mut buf = [0u8; 64];
    let mut got = Vec::new();
    while got.len() < 5 {
        // Each read stops at a short read: the rest, if it came in pieces, reports again.
        wait_for(&mut poll, &mut events, Token(5), |s| s.readable);
        let n = server.read(&mut buf).unwrap();
        assert!(n < buf.len());
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"hello");
    // An event for a piece that the last read took along may still be queued: not the one
    // this test waits for.
    poll.poll(&mut events, Some(Duration::ZERO)).unwrap();

    client.write_all(b"again").unwrap();
    wait_for(&mut poll, &mut events, Token(5), |s| s.readable);
    assert_eq!(server.read(&mut buf).unwrap(), 5);
}

#[test]
fn peer_close_reports_read_closed() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (client, mut server) = pair();
    poll.registry()
        .register(&mut server, Token(1), Interest::READABLE)
        .unwrap();
    drop(client);
    let seen = wait_for(&mut poll, &mut events, Token(1), |s| s.read_closed);
    assert!(seen.readable, "{seen:?}");
}

#[test]
fn large_tokens_round_trip() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, mut server) = pair();
    poll.registry()
        .register(&mut server, Token(usize::MAX), Interest::READABLE)
        .unwrap();
    client.write_all(b"x").unwrap();
    wait_for(&mut poll, &mut events, Token(usize::MAX), |s| s.readable);
}

#[test]
fn aio_interest_is_unsupported_here() {
    let poll = Poll::new().unwrap();
    let (_client, mut server) = pair();
    let err = poll
        .registry()
        .register(&mut server, Token(1), Interest::AIO)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Unsupported);
    assert_eq!(code(&err), "ENOTSUP");
    // Nothing was registered.
    poll.registry()
        .register(&mut server, Token(1), Interest::READABLE)
        .unwrap();
}
