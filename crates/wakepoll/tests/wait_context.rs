//! WaitContext: crosvm's scenarios — level-triggered reports, add/delete, timeouts — and the
//! one-selector-at-a-time rule shared with Poll.

use std::io;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use wakepoll::sync::{Event, EventWaitResult, WaitContext};
use wakepoll::{error, Interest, Poll, Token};

const NO_WAIT: Duration = Duration::ZERO;
/// Long enough that a test only fails, never hangs, when a signal is lost.
const GENEROUS: Duration = Duration::from_secs(10);

fn code(err: &io::Error) -> &'static str {
    error::sys_error(err).map_or("not a SysError", |s| s.code())
}

fn sorted(mut tokens: Vec<Token>) -> Vec<Token> {
    tokens.sort();
    tokens
}

/// The sorted tokens of a wait that must report something: fails, never hangs, if not.
fn report(ctx: &WaitContext) -> Vec<Token> {
    let tokens = ctx.wait_timeout(GENEROUS).unwrap();
    assert!(!tokens.is_empty(), "nothing reported");
    sorted(tokens)
}

/// Three Events, two signalled: every wait reports exactly those two, until they are reset
/// or waited.
#[test]
fn reports_exactly_the_signalled_tokens_until_reset_or_waited() {
    let ctx = WaitContext::new().unwrap();
    let events: Vec<Event> = (0..3).map(|_| Event::new().unwrap()).collect();
    for (i, e) in events.iter().enumerate() {
        ctx.add(e, Token(10 + i)).unwrap();
    }
    assert!(ctx.wait_timeout(NO_WAIT).unwrap().is_empty());

    events[0].signal().unwrap();
    events[2].signal().unwrap();
    assert_eq!(sorted(ctx.wait().unwrap()), vec![Token(10), Token(12)]);
    for _ in 0..3 {
        assert_eq!(report(&ctx), vec![Token(10), Token(12)]);
    }
    events[0].reset().unwrap();
    assert_eq!(ctx.wait_timeout(NO_WAIT).unwrap(), vec![Token(12)]);
    assert_eq!(ctx.wait_timeout(NO_WAIT).unwrap(), vec![Token(12)]);
    assert_eq!(
        events[2].wait_timeout(NO_WAIT).unwrap(),
        EventWaitResult::Signaled
    );
    assert!(ctx.wait_timeout(NO_WAIT).unwrap().is_empty());
}

#[test]
fn wait_timeout_times_out_never_early() {
    let ctx = WaitContext::new().unwrap();
    let event = Event::new().unwrap();
    ctx.add(&event, Token(1)).unwrap();
    for timeout in [Duration::from_micros(100), Duration::from_millis(30)] {
        let start = Instant::now();
        assert!(ctx.wait_timeout(timeout).unwrap().is_empty());
        let waited = start.elapsed();
        assert!(waited >= timeout, "waited {waited:?} for {timeout:?}");
    }
}

#[test]
fn a_signal_from_another_thread_ends_a_blocked_wait() {
    let ctx = WaitContext::new().unwrap();
    let event = Event::new().unwrap();
    ctx.add(&event, Token(5)).unwrap();
    let remote = event.try_clone().unwrap();
    let t = thread::spawn(move || remote.signal().unwrap());
    assert_eq!(ctx.wait_timeout(GENEROUS).unwrap(), vec![Token(5)]);
    t.join().unwrap();
}

#[test]
fn delete_removes_and_a_second_delete_is_not_found() {
    let ctx = WaitContext::new().unwrap();
    let (a, b) = (Event::new().unwrap(), Event::new().unwrap());
    ctx.add(&a, Token(1)).unwrap();
    ctx.add(&b, Token(2)).unwrap();
    a.signal().unwrap();
    b.signal().unwrap();
    ctx.delete(&a).unwrap();
    assert_eq!(ctx.wait_timeout(NO_WAIT).unwrap(), vec![Token(2)]);

    let err = ctx.delete(&a).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert_eq!(code(&err), "ENOENT");
    assert!(err.to_string().contains("not registered"), "{err}");

    // Added again, with another token, it is reported again (still signalled).
    ctx.add(&a, Token(3)).unwrap();
    assert_eq!(report(&ctx), vec![Token(2), Token(3)]);
}

#[test]
fn an_event_is_in_one_context_or_poll_at_a_time() {
    let ctx = WaitContext::new().unwrap();
    let other = WaitContext::new().unwrap();
    let poll = Poll::new().unwrap();
    let mut event = Event::new().unwrap();
    ctx.add(&event, Token(1)).unwrap();

    let errors = [
        ctx.add(&event, Token(2)).unwrap_err(),
        other.add(&event, Token(2)).unwrap_err(),
        poll.registry()
            .register(&mut event, Token(2), Interest::READABLE)
            .unwrap_err(),
        other.delete(&event).unwrap_err(),
    ];
    for err in &errors {
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(code(err), "EEXIST");
    }
    assert!(errors[0].to_string().contains("already registered"));
    assert!(errors[1].to_string().contains("already registered"));

    // A clone is a source of its own: it may be in the other context.
    let clone = event.try_clone().unwrap();
    other.add(&clone, Token(7)).unwrap();
    event.signal().unwrap();
    assert_eq!(ctx.wait_timeout(NO_WAIT).unwrap(), vec![Token(1)]);
    assert_eq!(other.wait_timeout(NO_WAIT).unwrap(), vec![Token(7)]);

    // And, deleted, the Event may join a Poll.
    ctx.delete(&event).unwrap();
    poll.registry()
        .register(&mut event, Token(2), Interest::READABLE)
        .unwrap();
    assert_eq!(code(&ctx.add(&event, Token(1)).unwrap_err()), "EEXIST");
}

/// More signalled Events than the first buffer holds: all of them are reported at once.
#[test]
fn reports_every_signalled_event_however_many() {
    const N: usize = 100;
    let ctx = WaitContext::new().unwrap();
    let events: Vec<Event> = (0..N).map(|_| Event::new().unwrap()).collect();
    for (i, e) in events.iter().enumerate() {
        ctx.add(e, Token(i)).unwrap();
        e.signal().unwrap();
    }
    let all: Vec<Token> = (0..N).map(Token).collect();
    assert_eq!(sorted(ctx.wait().unwrap()), all);
    assert_eq!(report(&ctx), all);
}

/// epoll keeps a registration while any dup of the fd is open; dropping an Event must remove
/// it anyway, or a level-triggered context would report a dead token forever.
#[test]
fn a_dropped_event_leaves_the_context() {
    let ctx = WaitContext::new().unwrap();
    let event = Event::new().unwrap();
    let clone = event.try_clone().unwrap();
    ctx.add(&event, Token(1)).unwrap();
    drop(event);
    clone.signal().unwrap();
    assert!(ctx.wait_timeout(NO_WAIT).unwrap().is_empty());
}

#[test]
fn a_dropped_context_releases_its_events() {
    let event = Event::new().unwrap();
    let first = WaitContext::new().unwrap();
    first.add(&event, Token(1)).unwrap();
    drop(first);
    let second = WaitContext::new().unwrap();
    second.add(&event, Token(2)).unwrap();
    event.signal().unwrap();
    assert_eq!(second.wait_timeout(NO_WAIT).unwrap(), vec![Token(2)]);
}

/// Four threads each signal their own Event and wait for an ack (the reset of their Event);
/// the context reports each of them, and the reporting thread resets what it saw.
#[test]
fn signals_from_four_threads_are_all_reported() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 300;
    let ctx = Arc::new(WaitContext::new().unwrap());
    let events: Vec<Event> = (0..THREADS).map(|_| Event::new().unwrap()).collect();
    for (i, e) in events.iter().enumerate() {
        ctx.add(e, Token(i)).unwrap();
    }
    let acks: Vec<Event> = (0..THREADS).map(|_| Event::new().unwrap()).collect();
    let senders: Vec<_> = (0..THREADS)
        .map(|i| {
            let signal = events[i].try_clone().unwrap();
            let ack = acks[i].try_clone().unwrap();
            thread::spawn(move || {
                for _ in 0..ROUNDS {
                    signal.signal().unwrap();
                    assert_eq!(
                        ack.wait_timeout(GENEROUS).unwrap(),
                        EventWaitResult::Signaled
                    );
                }
            })
        })
        .collect();
    let mut seen = [0usize; THREADS];
    while seen.iter().sum::<usize>() < THREADS * ROUNDS {
        let tokens = ctx.wait_timeout(GENEROUS).unwrap();
        assert!(!tokens.is_empty(), "a signal was lost; seen {seen:?}");
        for Token(i) in tokens {
            // Consume the signal, then let its thread send the next one.
            assert_eq!(
                events[i].wait_timeout(NO_WAIT).unwrap(),
                EventWaitResult::Signaled
            );
            seen[i] += 1;
            acks[i].signal().unwrap();
        }
    }
    for s in senders {
        s.join().unwrap();
    }
    assert_eq!(seen, [ROUNDS; THREADS]);
}
