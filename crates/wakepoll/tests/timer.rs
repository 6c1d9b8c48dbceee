//! sync::Timer: crosvm's `base::Timer` — one-shot and periodic, never early, expirations
//! counted and consumed by `wait`, a source for a Poll (edge) and a WaitContext (level).
//!
//! Timing here is asserted only as the guarantees state it (never early; a count bounded by
//! the clock), never as "fast enough": the drift figure lives in `npm run test:stress`.

use std::io;
use std::thread;
use std::time::{Duration, Instant};

use wakepoll::sync::{EventType, Timer, WaitContext};
use wakepoll::{error, Events, Interest, Poll, Token};

const NO_WAIT: Duration = Duration::ZERO;
/// Long enough that a test only fails, never hangs, when an expiration is lost.
const GENEROUS: Duration = Duration::from_secs(10);

fn code(err: &io::Error) -> &'static str {
    error::sys_error(err).map_or("not a SysError", |s| s.code())
}

/// Windows' waitable timer is not a source yet: those tests check the ENOTSUP instead.
fn registrable(timer: &Timer) -> bool {
    let poll = Poll::new().unwrap();
    match poll
        .registry()
        .register(&mut &*timer, Token(0), Interest::READABLE)
    {
        Ok(()) => {
            poll.registry().deregister(&mut &*timer).unwrap();
            true
        }
        Err(err) => {
            assert_eq!(code(&err), "ENOTSUP", "{err}");
            false
        }
    }
}

#[test]
fn a_one_shot_fires_once_and_never_early() {
    let timer = Timer::new().unwrap();
    assert_eq!(
        timer.wait_timeout(NO_WAIT).unwrap(),
        0,
        "not armed: nothing"
    );
    let delay = Duration::from_millis(20);
    let start = Instant::now();
    timer.reset(delay, None).unwrap();
    assert_eq!(timer.wait().unwrap(), 1);
    assert!(
        start.elapsed() >= delay,
        "fired after {:?}",
        start.elapsed()
    );
    assert_eq!(timer.wait_timeout(Duration::from_millis(30)).unwrap(), 0);
}

#[test]
fn wait_timeout_gives_up_never_early() {
    let timer = Timer::new().unwrap();
    timer.reset(Duration::from_secs(60), None).unwrap();
    let timeout = Duration::from_millis(15);
    let start = Instant::now();
    assert_eq!(timer.wait_timeout(timeout).unwrap(), 0);
    assert!(start.elapsed() >= timeout);
}

/// A late waiter gets every period it missed, and the count is bounded by the clock: at
/// most one per period elapsed (never early), at least one per period that surely passed.
#[test]
fn a_periodic_timer_counts_the_periods_a_late_waiter_missed() {
    let timer = Timer::new().unwrap();
    let period = Duration::from_millis(2);
    let start = Instant::now();
    timer.reset(period, Some(period)).unwrap();
    thread::sleep(Duration::from_millis(40));
    let count = timer.wait().unwrap();
    let elapsed = start.elapsed();
    let most = (elapsed.as_nanos() / period.as_nanos()) as u64;
    assert!(
        count >= 20 && count <= most,
        "{count} expirations in {elapsed:?}"
    );
    // Consumed: the next wait waits for the next period.
    let next = timer.wait().unwrap();
    assert!(next >= 1);
    let total = count + next;
    let most = (start.elapsed().as_nanos() / period.as_nanos()) as u64;
    assert!(
        total <= most,
        "{total} expirations in {:?}",
        start.elapsed()
    );
}

#[test]
fn clear_and_reset_discard_expirations_not_consumed() {
    let timer = Timer::new().unwrap();
    timer.reset(NO_WAIT, None).unwrap();
    thread::sleep(Duration::from_millis(5));
    timer.clear().unwrap();
    assert_eq!(timer.wait_timeout(Duration::from_millis(20)).unwrap(), 0);

    timer.reset(NO_WAIT, None).unwrap();
    thread::sleep(Duration::from_millis(5));
    timer.reset(Duration::from_secs(60), None).unwrap();
    assert_eq!(timer.wait_timeout(Duration::from_millis(20)).unwrap(), 0);
}

#[test]
fn a_zero_delay_fires_at_once() {
    let timer = Timer::new().unwrap();
    timer.reset(NO_WAIT, None).unwrap();
    assert_eq!(timer.wait_timeout(GENEROUS).unwrap(), 1);
}

#[test]
fn a_second_waiter_is_ebusy() {
    let timer = Timer::new().unwrap();
    thread::scope(|s| {
        // The waiter retries while the probe below holds the slot for its moment.
        let waiter = s.spawn(|| loop {
            match timer.wait() {
                Err(err) if code(&err) == "EBUSY" => thread::yield_now(),
                other => return other,
            }
        });
        // The waiter holds the slot while it blocks; once EBUSY is seen it is in there.
        let deadline = Instant::now() + GENEROUS;
        loop {
            match timer.wait_timeout(NO_WAIT) {
                Err(err) => {
                    assert_eq!(code(&err), "EBUSY");
                    break;
                }
                Ok(0) => assert!(Instant::now() < deadline, "the waiter never blocked"),
                Ok(n) => panic!("{n} expirations of a timer never armed"),
            }
            thread::yield_now();
        }
        timer.reset(NO_WAIT, None).unwrap();
        assert_eq!(waiter.join().unwrap().unwrap(), 1);
    });
}

#[test]
#[cfg_attr(
    wakepoll_libkqueue,
    ignore = "libkqueue gap 1: its kqueue fd is not pollable (a Timer's fd is a kqueue's)"
)]
fn a_poll_reports_it_readable_when_it_fires_and_does_not_consume() {
    let timer = Timer::new().unwrap();
    if !registrable(&timer) {
        return;
    }
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    poll.registry()
        .register(&mut &timer, Token(7), Interest::READABLE)
        .unwrap();
    poll.poll(&mut events, Some(Duration::from_millis(10)))
        .unwrap();
    assert!(events.is_empty(), "not armed: no event");

    timer.reset(Duration::from_millis(5), None).unwrap();
    poll.poll(&mut events, Some(GENEROUS)).unwrap();
    let event = events.iter().next().expect("the timer fired");
    assert_eq!(event.token(), Token(7));
    assert!(event.is_readable());
    assert_eq!(
        timer.wait_timeout(NO_WAIT).unwrap(),
        1,
        "the poll consumed nothing"
    );

    // Periodic, consumed after each event: an event per period.
    timer
        .reset(Duration::from_millis(1), Some(Duration::from_millis(1)))
        .unwrap();
    for _ in 0..3 {
        poll.poll(&mut events, Some(GENEROUS)).unwrap();
        assert_eq!(events.iter().next().map(|e| e.token()), Some(Token(7)));
        assert!(timer.wait_timeout(NO_WAIT).unwrap() >= 1);
    }
    timer.clear().unwrap();
}

#[test]
#[cfg_attr(
    wakepoll_libkqueue,
    ignore = "libkqueue gap 1: its kqueue fd is not pollable (a Timer's fd is a kqueue's)"
)]
fn a_wait_context_reports_it_until_its_expirations_are_consumed() {
    let timer = Timer::new().unwrap();
    if !registrable(&timer) {
        return;
    }
    let ctx = WaitContext::new().unwrap();
    ctx.add(&timer, Token(3)).unwrap();
    assert!(ctx
        .wait_timeout(Duration::from_millis(5))
        .unwrap()
        .is_empty());
    timer.reset(NO_WAIT, None).unwrap();
    for _ in 0..3 {
        assert_eq!(ctx.wait_timeout(GENEROUS).unwrap(), vec![Token(3)]);
    }
    let triggered = ctx.wait_events_timeout(GENEROUS).unwrap();
    assert_eq!(triggered.len(), 1);
    assert!(triggered[0].is_readable && !triggered[0].is_writable);
    assert_eq!(timer.wait().unwrap(), 1);
    assert!(ctx.wait_timeout(NO_WAIT).unwrap().is_empty());
    ctx.modify(&timer, EventType::Read, Token(4)).unwrap();
    timer.reset(NO_WAIT, None).unwrap();
    assert_eq!(ctx.wait_timeout(GENEROUS).unwrap(), vec![Token(4)]);
    ctx.delete(&timer).unwrap();
    assert!(ctx.wait_timeout(NO_WAIT).unwrap().is_empty());
}

/// mio's text for a source registered with a second registry, EEXIST kept.
#[test]
fn a_second_poll_gets_mios_message() {
    let timer = Timer::new().unwrap();
    if !registrable(&timer) {
        return;
    }
    let a = Poll::new().unwrap();
    let b = Poll::new().unwrap();
    a.registry()
        .register(&mut &timer, Token(1), Interest::READABLE)
        .unwrap();
    let err = b
        .registry()
        .register(&mut &timer, Token(1), Interest::READABLE)
        .unwrap_err();
    assert_eq!(code(&err), "EEXIST");
    assert!(
        err.to_string()
            .contains("I/O source already registered with a `Registry`"),
        "{err}"
    );
    drop(timer);
    // Dropping it ended the registration.
    let mut a = a;
    let mut events = Events::with_capacity(1);
    a.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert!(events.is_empty());
}
