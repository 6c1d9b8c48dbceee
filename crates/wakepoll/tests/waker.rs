//! Waker semantics, including two threads each blocked in their own poll.

mod util;

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use util::tokens;
use wakepoll::{Events, Poll, Token, Waker};

const NO_WAIT: Duration = Duration::ZERO;

#[test]
fn a_wake_before_the_poll_is_not_lost() {
    let mut poll = Poll::new().unwrap();
    let waker = Waker::new(poll.registry(), Token(10)).unwrap();
    waker.wake().unwrap();
    let mut events = Events::with_capacity(4);
    poll.poll(&mut events, None).unwrap();
    let e = events.iter().next().unwrap();
    assert_eq!(e.token(), Token(10));
    assert!(e.is_readable());
}

#[test]
fn wakes_coalesce_into_exactly_one_event_and_rearm_without_reset() {
    let mut poll = Poll::new().unwrap();
    let waker = Waker::new(poll.registry(), Token(1)).unwrap();
    let mut events = Events::with_capacity(8);
    for _ in 0..5 {
        waker.wake().unwrap();
    }
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(1)]);
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert!(events.is_empty());
    waker.wake().unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(1)]);
}

#[test]
fn several_wakers_each_report_their_own_token() {
    let mut poll = Poll::new().unwrap();
    let wakers: Vec<_> = (100..104)
        .map(|t| Waker::new(poll.registry(), Token(t)).unwrap())
        .collect();
    let mut events = Events::with_capacity(8);
    wakers[2].wake().unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(102)]);
    wakers[0].wake().unwrap();
    wakers[3].wake().unwrap();
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    let mut got = tokens(&events);
    got.sort();
    assert_eq!(got, vec![Token(100), Token(103)]);
}

#[test]
fn dropping_a_waker_leaves_the_others_working() {
    let mut poll = Poll::new().unwrap();
    let a = Waker::new(poll.registry(), Token(1)).unwrap();
    let b = Waker::new(poll.registry(), Token(2)).unwrap();
    drop(a);
    b.wake().unwrap();
    let mut events = Events::with_capacity(8);
    poll.poll(&mut events, Some(NO_WAIT)).unwrap();
    assert_eq!(tokens(&events), vec![Token(2)]);
}

#[test]
fn wake_from_another_thread_ends_a_blocking_poll() {
    let mut poll = Poll::new().unwrap();
    let waker = Arc::new(Waker::new(poll.registry(), Token(7)).unwrap());
    let barrier = Arc::new(Barrier::new(2));
    let t = {
        let (waker, barrier) = (Arc::clone(&waker), Arc::clone(&barrier));
        thread::spawn(move || {
            barrier.wait();
            waker.wake().unwrap();
        })
    };
    barrier.wait();
    let mut events = Events::with_capacity(4);
    poll.poll(&mut events, None).unwrap();
    assert_eq!(tokens(&events), vec![Token(7)]);
    t.join().unwrap();
}

/// Two threads, each blocked in its own Poll, ping-pong through each other's Waker; every
/// round trip must arrive (an ack-driven test: a lost wake hangs, and the harness fails it).
#[test]
fn two_threads_ping_pong_through_wakers() {
    const ROUNDS: usize = 2_000;
    let mut ping_poll = Poll::new().unwrap();
    let mut pong_poll = Poll::new().unwrap();
    let wake_pong = Arc::new(Waker::new(pong_poll.registry(), Token(2)).unwrap());
    let wake_ping = Arc::new(Waker::new(ping_poll.registry(), Token(1)).unwrap());

    let ponger = {
        let wake_ping = Arc::clone(&wake_ping);
        thread::spawn(move || {
            let mut events = Events::with_capacity(4);
            let mut seen = 0;
            while seen < ROUNDS {
                pong_poll.poll(&mut events, None).unwrap();
                for e in &events {
                    assert_eq!(e.token(), Token(2));
                    seen += 1;
                    wake_ping.wake().unwrap();
                }
            }
            seen
        })
    };
    let mut events = Events::with_capacity(4);
    for _ in 0..ROUNDS {
        wake_pong.wake().unwrap();
        ping_poll.poll(&mut events, None).unwrap();
        assert_eq!(tokens(&events), vec![Token(1)]);
    }
    assert_eq!(ponger.join().unwrap(), ROUNDS);
}

#[test]
fn many_threads_waking_one_poller_lose_no_wake() {
    const THREADS: usize = 4;
    const WAKES: usize = 500;
    let mut poll = Poll::new().unwrap();
    let mut acks = Vec::new();
    let mut handles = Vec::new();
    for i in 0..THREADS {
        let waker = Waker::new(poll.registry(), Token(i)).unwrap();
        let mut ack_poll = Poll::new().unwrap();
        let ack = Waker::new(ack_poll.registry(), Token(0)).unwrap();
        acks.push(ack);
        handles.push(thread::spawn(move || {
            let mut events = Events::with_capacity(2);
            for _ in 0..WAKES {
                waker.wake().unwrap();
                ack_poll.poll(&mut events, None).unwrap();
            }
        }));
    }
    let mut events = Events::with_capacity(THREADS);
    let mut counts = [0usize; THREADS];
    while counts.iter().sum::<usize>() < THREADS * WAKES {
        poll.poll(&mut events, None).unwrap();
        for e in &events {
            counts[e.token().0] += 1;
            acks[e.token().0].wake().unwrap();
        }
    }
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(counts, [WAKES; THREADS]);
}
