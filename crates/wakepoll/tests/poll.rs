//! `Poll::poll`: timeouts, capacity, EINTR, registrations from other threads.
#![cfg(unix)]

mod util;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use util::{fd, send, socket_pair, tokens};
use wakepoll::unix::SourceFd;
use wakepoll::{Events, Interest, Poll, Token, Waker};

#[test]
fn zero_timeout_collects_what_is_ready() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    let (a, mut b) = socket_pair();
    poll.registry()
        .register(&mut SourceFd(&fd(&a)), Token(1), Interest::READABLE)
        .unwrap();
    poll.poll(&mut events, Some(Duration::ZERO)).unwrap();
    assert!(events.is_empty());
    send(&mut b, b"x");
    poll.poll(&mut events, Some(Duration::ZERO)).unwrap();
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
    let pairs: Vec<_> = (0..5).map(|_| socket_pair()).collect();
    for (i, (a, _)) in pairs.iter().enumerate() {
        poll.registry()
            .register(&mut SourceFd(&fd(a)), Token(i), Interest::WRITABLE)
            .unwrap();
    }
    let mut seen = Vec::new();
    for _ in 0..3 {
        poll.poll(&mut events, Some(Duration::ZERO)).unwrap();
        assert!(events.len() <= 2);
        seen.extend(tokens(&events));
    }
    seen.sort();
    assert_eq!(seen, (0..5).map(Token).collect::<Vec<_>>());
    assert_eq!(events.capacity(), 2);
}

extern "C" fn ignore_signal(_: libc::c_int) {}

/// A thread's `pthread_t`, to hand to another thread: an integer on glibc, but a pointer (not
/// `Send`) on musl.
#[derive(Clone, Copy)]
struct PthreadId(libc::pthread_t);

// SAFETY: the value only names a thread for pthread_kill, which takes it from any thread; it is
// never dereferenced here.
unsafe impl Send for PthreadId {}

/// Sends SIGUSR1 (handled without SA_RESTART, so epoll_wait or kevent fails with EINTR) to `thread`
/// until `stop` is set.
fn interrupt_until(thread: PthreadId, stop: &AtomicBool) -> usize {
    let mut sent = 0;
    while !stop.load(Ordering::Acquire) {
        // SAFETY: `thread` is alive until it sets `stop`, which is checked before each kill.
        unsafe { libc::pthread_kill(thread.0, libc::SIGUSR1) };
        sent += 1;
        thread::yield_now();
    }
    sent
}

fn install_sigusr1_without_restart() {
    // SAFETY: installs a handler that does nothing; sa_flags 0 means no SA_RESTART.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = ignore_signal as extern "C" fn(libc::c_int) as usize;
        action.sa_flags = 0;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()),
            0
        );
    }
}

#[test]
fn eintr_is_retried_and_never_reaches_the_caller() {
    install_sigusr1_without_restart();
    let mut poll = Poll::new().unwrap();
    let waker = Arc::new(Waker::new(poll.registry(), Token(9)).unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();

    let poller = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            // SAFETY: pthread_self has no preconditions.
            tx.send(PthreadId(unsafe { libc::pthread_self() })).unwrap();
            let mut events = Events::with_capacity(4);
            // Timed wait under a storm of signals: returns Ok, empty, not early.
            let start = Instant::now();
            let timed = poll.poll(&mut events, Some(Duration::from_millis(50)));
            let waited = start.elapsed();
            let timed_empty = events.is_empty();
            // Untimed wait under signals: only the waker ends it.
            let forever = poll.poll(&mut events, None);
            stop.store(true, Ordering::Release);
            (
                timed.map_err(|e| e.to_string()),
                waited,
                timed_empty,
                forever.map_err(|e| e.to_string()),
                tokens(&events),
            )
        })
    };
    let id = rx.recv().unwrap();
    let signaller = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || interrupt_until(id, &stop))
    };
    // Let the storm run through the timed wait, then end the untimed one.
    let wake_after = Instant::now() + Duration::from_millis(120);
    while Instant::now() < wake_after && !stop.load(Ordering::Acquire) {
        thread::yield_now();
    }
    waker.wake().unwrap();
    let (timed, waited, timed_empty, forever, toks) = poller.join().unwrap();
    let sent = signaller.join().unwrap();
    assert!(sent > 0);
    assert_eq!(timed, Ok(()));
    assert!(timed_empty);
    assert!(
        waited >= Duration::from_millis(50),
        "returned early after {waited:?}"
    );
    assert_eq!(forever, Ok(()));
    assert_eq!(toks, vec![Token(9)]);
}

#[test]
fn registration_from_another_thread_takes_effect_in_a_blocking_poll() {
    let mut poll = Poll::new().unwrap();
    let registry = poll.registry().try_clone().unwrap();
    let (a, mut b) = socket_pair();
    let barrier = Arc::new(Barrier::new(2));
    let fd_a = fd(&a);

    let other = {
        let barrier = Arc::clone(&barrier);
        thread::spawn(move || {
            barrier.wait();
            registry
                .register(&mut SourceFd(&fd_a), Token(42), Interest::READABLE)
                .unwrap();
            send(&mut b, b"x");
            b
        })
    };
    let mut events = Events::with_capacity(4);
    barrier.wait();
    poll.poll(&mut events, None).unwrap();
    assert_eq!(tokens(&events), vec![Token(42)]);
    drop(other.join().unwrap());
    drop(a);
}

#[test]
fn try_clone_shares_the_selector() {
    let mut poll = Poll::new().unwrap();
    let clone = poll.registry().try_clone().unwrap();
    let (a, mut b) = socket_pair();
    clone
        .register(&mut SourceFd(&fd(&a)), Token(8), Interest::READABLE)
        .unwrap();
    drop(clone);
    send(&mut b, b"x");
    let mut events = Events::with_capacity(4);
    poll.poll(&mut events, Some(Duration::from_millis(20)))
        .unwrap();
    assert_eq!(tokens(&events), vec![Token(8)]);
}
