//! sync::Event: crosvm's scenarios, the one-waiter rule, and an Event watched by a Poll.

mod util;

use std::io;
#[cfg(unix)]
use std::os::fd::AsRawFd;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use util::tokens;
use wakepoll::sync::{Event, EventWaitResult};
#[cfg(unix)]
use wakepoll::unix::SourceFd;
use wakepoll::{error, Events, Interest, Poll, Token};

const NO_WAIT: Duration = Duration::ZERO;
/// Long enough that a test only fails, never hangs, when a signal is lost.
const GENEROUS: Duration = Duration::from_secs(10);

fn code(err: &io::Error) -> &'static str {
    error::sys_error(err).map_or("not a SysError", |s| s.code())
}

#[test]
fn signal_then_wait() {
    let event = Event::new().unwrap();
    event.signal().unwrap();
    event.wait().unwrap();
    assert_eq!(
        event.wait_timeout(NO_WAIT).unwrap(),
        EventWaitResult::TimedOut
    );
}

#[test]
fn several_signals_are_consumed_by_one_wait() {
    let event = Event::new().unwrap();
    for _ in 0..3 {
        event.signal().unwrap();
    }
    assert_eq!(
        event.wait_timeout(NO_WAIT).unwrap(),
        EventWaitResult::Signaled
    );
    assert_eq!(
        event.wait_timeout(NO_WAIT).unwrap(),
        EventWaitResult::TimedOut
    );
}

#[test]
fn wait_timeout_times_out_never_early() {
    let event = Event::new().unwrap();
    for timeout in [Duration::from_micros(100), Duration::from_millis(30)] {
        let start = Instant::now();
        assert_eq!(
            event.wait_timeout(timeout).unwrap(),
            EventWaitResult::TimedOut
        );
        let waited = start.elapsed();
        assert!(waited >= timeout, "waited {waited:?} for {timeout:?}");
    }
}

#[test]
fn wait_timeout_reports_a_signal() {
    let event = Event::new().unwrap();
    event.signal().unwrap();
    assert_eq!(
        event.wait_timeout(GENEROUS).unwrap(),
        EventWaitResult::Signaled
    );
}

#[test]
fn reset_clears_without_blocking() {
    let event = Event::new().unwrap();
    event.reset().unwrap(); // not signalled: nothing to do, and no block
    event.signal().unwrap();
    event.reset().unwrap();
    assert_eq!(
        event.wait_timeout(Duration::from_millis(1)).unwrap(),
        EventWaitResult::TimedOut
    );
}

#[test]
fn a_clone_shares_the_signal() {
    let event = Event::new().unwrap();
    let clone = event.try_clone().unwrap();
    #[cfg(unix)]
    assert_ne!(
        event.as_raw_fd(),
        clone.as_raw_fd(),
        "a clone has its own fd"
    );
    #[cfg(windows)]
    assert_ne!(
        std::os::windows::io::AsRawHandle::as_raw_handle(&event),
        std::os::windows::io::AsRawHandle::as_raw_handle(&clone),
        "a clone has its own handle"
    );
    clone.signal().unwrap();
    event.wait().unwrap();
    event.signal().unwrap();
    assert_eq!(
        clone.wait_timeout(NO_WAIT).unwrap(),
        EventWaitResult::Signaled
    );
    clone.signal().unwrap();
    event.reset().unwrap();
    assert_eq!(
        clone.wait_timeout(NO_WAIT).unwrap(),
        EventWaitResult::TimedOut
    );
}

#[test]
fn a_signal_from_another_thread_ends_a_blocked_wait() {
    let event = Event::new().unwrap();
    let remote = event.try_clone().unwrap();
    let t = thread::spawn(move || remote.signal().unwrap());
    assert_eq!(
        event.wait_timeout(GENEROUS).unwrap(),
        EventWaitResult::Signaled
    );
    t.join().unwrap();
}

/// While one thread waits, a second waiter — on the same Event or on a clone — gets EBUSY.
///
/// The second thread polls with zero timeouts until it meets the first thread's guard. Its own
/// brief attempts may make the first thread's `wait` fail with EBUSY too, so the first one
/// retries until it holds the guard. Neither loop can spin forever: the first thread blocks
/// as soon as it gets the guard, and from then on every attempt of the second is EBUSY.
#[test]
fn a_second_concurrent_waiter_gets_ebusy() {
    for on_a_clone in [false, true] {
        let event = Arc::new(Event::new().unwrap());
        let first = {
            let event = Arc::clone(&event);
            thread::spawn(move || loop {
                match event.wait_timeout(GENEROUS) {
                    Err(e) if e.kind() == io::ErrorKind::ResourceBusy => continue,
                    other => break other,
                }
            })
        };
        let second = if on_a_clone {
            Arc::new(event.try_clone().unwrap())
        } else {
            Arc::clone(&event)
        };
        let busy = loop {
            match second.wait_timeout(NO_WAIT) {
                Ok(EventWaitResult::TimedOut) => continue,
                Ok(EventWaitResult::Signaled) => panic!("nobody signalled"),
                Err(e) => break e,
            }
        };
        assert_eq!(busy.kind(), io::ErrorKind::ResourceBusy);
        assert_eq!(code(&busy), "EBUSY");
        assert!(busy.to_string().contains("already waiting"), "{busy}");
        // A blocking wait is refused at once as well.
        assert_eq!(code(&second.wait().unwrap_err()), "EBUSY");

        // Signalling and resetting are not waiting: they work meanwhile.
        second.reset().unwrap();
        second.signal().unwrap();
        assert_eq!(first.join().unwrap().unwrap(), EventWaitResult::Signaled);
        // The guard is released: waiting works again.
        event.signal().unwrap();
        assert_eq!(
            second.wait_timeout(NO_WAIT).unwrap(),
            EventWaitResult::Signaled
        );
    }
}

/// Four threads each send messages one at a time, signalling after each and waiting for an
/// ack; the waiter drains the queue after every wait. Every message is acked, so no signal
/// was lost, however they coalesced.
#[test]
fn signals_from_four_threads_are_all_observed() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 500;
    let event = Event::new().unwrap();
    let queue = Arc::new(Mutex::new(Vec::new()));
    let mut acks = Vec::new();
    let senders: Vec<_> = (0..THREADS)
        .map(|id| {
            let (ack_tx, ack_rx) = mpsc::channel::<()>();
            acks.push(ack_tx);
            let (event, queue) = (event.try_clone().unwrap(), Arc::clone(&queue));
            thread::spawn(move || {
                for _ in 0..ROUNDS {
                    queue.lock().unwrap().push(id);
                    event.signal().unwrap();
                    ack_rx.recv_timeout(GENEROUS).expect("ack");
                }
            })
        })
        .collect();

    let mut received = [0usize; THREADS];
    while received.iter().sum::<usize>() < THREADS * ROUNDS {
        assert_eq!(
            event.wait_timeout(GENEROUS).unwrap(),
            EventWaitResult::Signaled,
            "a signal was lost; received {received:?}"
        );
        let batch: Vec<usize> = std::mem::take(&mut *queue.lock().unwrap());
        for id in batch {
            received[id] += 1;
            acks[id].send(()).unwrap();
        }
    }
    for s in senders {
        s.join().unwrap();
    }
    assert_eq!(received, [ROUNDS; THREADS]);
}

#[test]
fn a_poll_reports_a_signalled_event_readable_with_its_token() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    let mut event = Event::new().unwrap();
    poll.registry()
        .register(&mut event, Token(42), Interest::READABLE)
        .unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert!(events.is_empty());

    event.signal().unwrap();
    poll.poll(&mut events, Some(GENEROUS)).unwrap();
    let e = events.iter().next().expect("an event");
    assert_eq!(e.token(), Token(42));
    assert!(e.is_readable());

    // Edge-triggered: reported once; a new signal reports again.
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert!(events.is_empty());
    event.signal().unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(42)]);

    // The Poll does not consume the signal.
    assert_eq!(
        event.wait_timeout(NO_WAIT).unwrap(),
        EventWaitResult::Signaled
    );
}

#[test]
fn a_signal_from_another_thread_ends_a_blocking_poll() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    let event = Arc::new(Event::new().unwrap());
    // A shared Event registers through `&Event`.
    poll.registry()
        .register(&mut &*event, Token(1), Interest::READABLE)
        .unwrap();
    let remote = Arc::clone(&event);
    let t = thread::spawn(move || remote.signal().unwrap());
    poll.poll(&mut events, None).unwrap();
    assert_eq!(tokens(&events), vec![Token(1)]);
    t.join().unwrap();
}

#[test]
fn reregister_replaces_the_token_and_deregister_silences_it() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    let mut event = Event::new().unwrap();
    let registry = poll.registry().try_clone().unwrap();
    registry
        .register(&mut event, Token(1), Interest::READABLE)
        .unwrap();
    event.signal().unwrap();
    // Still ready: the reregister re-arms it with the new token.
    registry
        .reregister(&mut event, Token(2), Interest::READABLE)
        .unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(2)]);

    event.signal().unwrap();
    registry.deregister(&mut event).unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert!(events.is_empty());
    // And it may be registered again.
    registry
        .register(&mut event, Token(3), Interest::READABLE)
        .unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(3)]);
}

#[test]
fn an_event_belongs_to_one_poll_at_a_time() {
    let first = Poll::new().unwrap();
    let second = Poll::new().unwrap();
    let mut event = Event::new().unwrap();

    for err in [
        second
            .registry()
            .reregister(&mut event, Token(1), Interest::READABLE)
            .unwrap_err(),
        second.registry().deregister(&mut event).unwrap_err(),
    ] {
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(code(&err), "ENOENT");
        assert!(err.to_string().contains("not registered"), "{err}");
    }

    first
        .registry()
        .register(&mut event, Token(1), Interest::READABLE)
        .unwrap();
    for registry in [first.registry(), second.registry()] {
        let err = registry
            .register(&mut event, Token(2), Interest::READABLE)
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(code(&err), "EEXIST");
        assert!(err.to_string().contains("already registered"), "{err}");
    }
    for err in [
        second
            .registry()
            .reregister(&mut event, Token(2), Interest::READABLE)
            .unwrap_err(),
        second.registry().deregister(&mut event).unwrap_err(),
    ] {
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(code(&err), "EEXIST");
    }

    // After leaving the first, it may join the second; a clone is a source of its own.
    first.registry().deregister(&mut event).unwrap();
    second
        .registry()
        .register(&mut event, Token(3), Interest::READABLE)
        .unwrap();
    let mut clone = event.try_clone().unwrap();
    first
        .registry()
        .register(&mut clone, Token(4), Interest::READABLE)
        .unwrap();
}

#[test]
fn a_dropped_poll_releases_its_events() {
    let mut event = Event::new().unwrap();
    let first = Poll::new().unwrap();
    first
        .registry()
        .register(&mut event, Token(1), Interest::READABLE)
        .unwrap();
    drop(first);
    let mut second = Poll::new().unwrap();
    second
        .registry()
        .register(&mut event, Token(2), Interest::READABLE)
        .unwrap();
    event.signal().unwrap();
    let mut events = Events::with_capacity(4);
    second.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(2)]);
}

/// epoll keeps a registration while any dup of the fd is open; dropping the Event must end
/// it anyway, or its clone's signals would still report the dropped Event's token.
#[test]
fn a_dropped_event_is_no_longer_reported_though_its_clone_lives() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    let mut event = Event::new().unwrap();
    let clone = event.try_clone().unwrap();
    poll.registry()
        .register(&mut event, Token(1), Interest::READABLE)
        .unwrap();
    drop(event);
    clone.signal().unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert!(events.is_empty(), "{events:?}");
}

/// Unix only: there is no `SourceFd` on Windows.
#[cfg(unix)]
#[test]
fn a_raw_fd_cannot_disturb_a_registered_event() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    let mut event = Event::new().unwrap();
    poll.registry()
        .register(&mut event, Token(1), Interest::READABLE)
        .unwrap();
    let fd = event.as_raw_fd();
    assert_eq!(
        code(&poll.registry().deregister(&mut SourceFd(&fd)).unwrap_err()),
        "ENOENT"
    );
    event.signal().unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(1)]);
}
