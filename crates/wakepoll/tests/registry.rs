//! Registration semantics: errors, override, deregister guarantee, edge triggering.
#![cfg(unix)]

mod util;

use std::io;
use std::time::Duration;

use util::{drain, fd, send, socket_pair, tokens, SELECTOR_CTL};
use wakepoll::unix::SourceFd;
use wakepoll::{error, Events, Interest, Poll, Token};

const NO_WAIT: Duration = Duration::ZERO;
const SHORT: Duration = Duration::from_millis(20);

#[test]
fn double_register_is_already_exists_with_eexist() {
    let poll = Poll::new().unwrap();
    let (a, _b) = socket_pair();
    let fd = fd(&a);
    poll.registry()
        .register(&mut SourceFd(&fd), Token(1), Interest::READABLE)
        .unwrap();
    let err = poll
        .registry()
        .register(&mut SourceFd(&fd), Token(2), Interest::READABLE)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    let sys = error::sys_error(&err).expect("a SysError");
    assert_eq!((sys.code(), sys.syscall()), ("EEXIST", SELECTOR_CTL));
    assert!(err.to_string().contains("already registered"), "{err}");
}

#[test]
fn unknown_reregister_and_deregister_are_not_found_with_enoent() {
    let poll = Poll::new().unwrap();
    let (a, _b) = socket_pair();
    let fd = fd(&a);
    for err in [
        poll.registry()
            .reregister(&mut SourceFd(&fd), Token(1), Interest::READABLE)
            .unwrap_err(),
        poll.registry().deregister(&mut SourceFd(&fd)).unwrap_err(),
    ] {
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(error::sys_error(&err).unwrap().code(), "ENOENT");
        assert!(err.to_string().contains("not registered"), "{err}");
    }
}

#[test]
fn bad_fd_is_ebadf_and_leaves_other_registrations_alone() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, mut b) = socket_pair();
    poll.registry()
        .register(&mut SourceFd(&fd(&a)), Token(7), Interest::READABLE)
        .unwrap();

    let err = poll
        .registry()
        .register(&mut SourceFd(&-1), Token(1), Interest::READABLE)
        .unwrap_err();
    assert_eq!(error::sys_error(&err).unwrap().code(), "EBADF");

    send(&mut b, b"x");
    poll.poll(&mut events, Some(SHORT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(7)]);
}

/// AIO and LIO completions exist on FreeBSD only.
#[cfg(not(target_os = "freebsd"))]
#[test]
fn aio_interest_is_unsupported_here() {
    let poll = Poll::new().unwrap();
    let (a, _b) = socket_pair();
    let err = poll
        .registry()
        .register(&mut SourceFd(&fd(&a)), Token(1), Interest::AIO)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Unsupported);
    assert_eq!(error::sys_error(&err).unwrap().code(), "ENOTSUP");
}

/// Priority (out-of-band) readiness exists on Linux and Android's epoll only.
#[cfg(any(
    not(any(target_os = "linux", target_os = "android")),
    wakepoll_libkqueue
))]
#[test]
fn priority_interest_is_unsupported_here() {
    let poll = Poll::new().unwrap();
    let (a, _b) = socket_pair();
    let err = poll
        .registry()
        .register(&mut SourceFd(&fd(&a)), Token(1), Interest::PRIORITY)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Unsupported);
    assert_eq!(error::sys_error(&err).unwrap().code(), "ENOTSUP");
    // Refused before any change: the fd is not registered.
    poll.registry()
        .register(&mut SourceFd(&fd(&a)), Token(1), Interest::READABLE)
        .unwrap();
}

/// On FreeBSD an AIO interest is accepted (the completions name the kqueue themselves), and
/// counts as a registration like any other.
#[cfg(target_os = "freebsd")]
#[test]
fn aio_interest_is_accepted_on_freebsd() {
    let poll = Poll::new().unwrap();
    let (a, _b) = socket_pair();
    let fd = fd(&a);
    poll.registry()
        .register(&mut SourceFd(&fd), Token(1), Interest::AIO)
        .unwrap();
    let err = poll
        .registry()
        .register(&mut SourceFd(&fd), Token(2), Interest::AIO)
        .unwrap_err();
    assert_eq!(error::sys_error(&err).unwrap().code(), "EEXIST");
    poll.registry().deregister(&mut SourceFd(&fd)).unwrap();
}

#[test]
fn deregister_guarantee_holds_for_pending_readiness() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, mut b) = socket_pair();
    let fd = fd(&a);
    poll.registry()
        .register(&mut SourceFd(&fd), Token(3), Interest::READABLE)
        .unwrap();
    send(&mut b, b"pending");
    poll.registry().deregister(&mut SourceFd(&fd)).unwrap();

    send(&mut b, b"more");
    poll.poll(&mut events, Some(SHORT)).unwrap();
    assert!(
        events.is_empty(),
        "deregistered token came back: {events:?}"
    );
}

#[test]
fn reregister_replaces_token_and_interest_completely() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, mut b) = socket_pair();
    let fd = fd(&a);
    poll.registry()
        .register(
            &mut SourceFd(&fd),
            Token(1),
            Interest::READABLE | Interest::WRITABLE,
        )
        .unwrap();
    poll.poll(&mut events, Some(SHORT)).unwrap();
    assert!(events
        .iter()
        .any(|e| e.token() == Token(1) && e.is_writable()));

    // Writable is no longer asked for, and the token changes.
    poll.registry()
        .reregister(&mut SourceFd(&fd), Token(2), Interest::READABLE)
        .unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert!(events.is_empty(), "{events:?}");

    send(&mut b, b"x");
    poll.poll(&mut events, Some(SHORT)).unwrap();
    let evs: Vec<_> = events
        .iter()
        .map(|e| (e.token(), e.is_readable(), e.is_writable()))
        .collect();
    assert_eq!(evs, vec![(Token(2), true, false)]);
}

#[test]
#[cfg_attr(
    wakepoll_libkqueue,
    ignore = "libkqueue gap 4: EV_ADD of an existing knote does not re-report a source still ready"
)]
fn reregister_rearms_a_source_that_is_still_ready() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, mut b) = socket_pair();
    let fd = fd(&a);
    poll.registry()
        .register(&mut SourceFd(&fd), Token(1), Interest::READABLE)
        .unwrap();
    send(&mut b, b"x");
    poll.poll(&mut events, Some(SHORT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(1)]);
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert!(
        events.is_empty(),
        "edge-triggered: no second event without new data"
    );

    poll.registry()
        .reregister(&mut SourceFd(&fd), Token(1), Interest::READABLE)
        .unwrap();
    poll.poll(&mut events, Some(SHORT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(1)]);
}

#[test]
fn edge_triggered_until_drained_then_new_data_reports_again() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut a, mut b) = socket_pair();
    poll.registry()
        .register(&mut SourceFd(&fd(&a)), Token(5), Interest::READABLE)
        .unwrap();

    send(&mut b, b"hello");
    poll.poll(&mut events, Some(SHORT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(5)]);
    assert_eq!(drain(&mut a), 5);
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert!(events.is_empty());

    send(&mut b, b"again");
    poll.poll(&mut events, Some(SHORT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(5)]);
}

#[test]
fn peer_close_reports_read_closed() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, b) = socket_pair();
    poll.registry()
        .register(&mut SourceFd(&fd(&a)), Token(1), Interest::READABLE)
        .unwrap();
    drop(b);
    poll.poll(&mut events, Some(SHORT)).unwrap();
    let e = events.iter().next().expect("an event");
    assert!(e.is_readable() && e.is_read_closed(), "{e:#?}");
}

#[test]
fn one_fd_may_be_watched_by_two_polls() {
    let mut p1 = Poll::new().unwrap();
    let mut p2 = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, mut b) = socket_pair();
    let fd = fd(&a);
    p1.registry()
        .register(&mut SourceFd(&fd), Token(1), Interest::READABLE)
        .unwrap();
    p2.registry()
        .register(&mut SourceFd(&fd), Token(2), Interest::READABLE)
        .unwrap();
    send(&mut b, b"x");
    p1.poll(&mut events, Some(SHORT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(1)]);
    p2.poll(&mut events, Some(SHORT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(2)]);
}

#[test]
fn large_tokens_round_trip() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (a, mut b) = socket_pair();
    poll.registry()
        .register(
            &mut SourceFd(&fd(&a)),
            Token(usize::MAX),
            Interest::READABLE,
        )
        .unwrap();
    send(&mut b, b"x");
    poll.poll(&mut events, Some(SHORT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(usize::MAX)]);
}
