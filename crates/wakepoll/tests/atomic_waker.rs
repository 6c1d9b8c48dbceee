//! AtomicWaker: futures' and tokio's scenarios, and register/wake races on real threads.
//! (The exhaustive interleavings are in `loom_atomic_waker.rs`; under `--cfg loom` the
//! atomics work only inside `loom::model`, so this file is left out.)
#![cfg(not(loom))]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use wakepoll::AtomicWaker;

/// A waker that counts its wakes.
#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn counting() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count::default());
    let waker = Waker::from(Arc::clone(&count));
    (count, waker)
}

fn wakes(count: &Count) -> usize {
    count.0.load(SeqCst)
}

#[test]
fn is_send_sync_default_and_debug() {
    fn send_sync<T: Send + Sync + Default + std::fmt::Debug>() {}
    send_sync::<AtomicWaker>();
    static _CONST: AtomicWaker = AtomicWaker::new();
    assert!(format!("{:?}", AtomicWaker::default()).starts_with("AtomicWaker"));
}

#[test]
fn a_wake_before_any_register_does_nothing() {
    let aw = AtomicWaker::new();
    aw.wake();
    assert!(aw.take().is_none());
    let (count, waker) = counting();
    aw.register(&waker);
    assert_eq!(
        wakes(&count),
        0,
        "the early wake is not kept for a later register"
    );
    aw.wake();
    assert_eq!(wakes(&count), 1);
}

#[test]
fn register_then_wake_wakes_once_and_deregisters() {
    let aw = AtomicWaker::new();
    let (count, waker) = counting();
    aw.register(&waker);
    aw.wake();
    aw.wake();
    assert_eq!(wakes(&count), 1);
    aw.register(&waker);
    aw.wake();
    assert_eq!(wakes(&count), 2);
}

#[test]
fn a_new_register_replaces_the_old_waker() {
    let aw = AtomicWaker::new();
    let (old, old_waker) = counting();
    let (new, new_waker) = counting();
    aw.register(&old_waker);
    aw.register(&new_waker);
    aw.wake();
    assert_eq!((wakes(&old), wakes(&new)), (0, 1));
}

#[test]
fn registering_the_same_task_again_does_not_clone() {
    let aw = AtomicWaker::new();
    let (count, waker) = counting();
    aw.register(&waker);
    let stored = Arc::strong_count(&count);
    let same_task = waker.clone();
    let after_clone = Arc::strong_count(&count);
    aw.register(&same_task);
    assert_eq!(
        Arc::strong_count(&count),
        after_clone,
        "will_wake avoided a clone"
    );
    assert_eq!(after_clone, stored + 1);
}

#[test]
fn take_removes_the_waker_without_waking_it() {
    let aw = AtomicWaker::new();
    let (count, waker) = counting();
    aw.register(&waker);
    let taken = aw.take().expect("the registered waker");
    assert!(taken.will_wake(&waker));
    assert!(aw.take().is_none());
    aw.wake();
    assert_eq!(wakes(&count), 0);
    taken.wake();
    assert_eq!(wakes(&count), 1);
}

/// One thread registers then checks a flag; another sets the flag then wakes. In every
/// round, the registering thread either sees the flag or is woken: the wake is never lost.
#[test]
fn a_wake_racing_a_register_is_never_lost() {
    const ROUNDS: usize = 20_000;
    let aw = Arc::new(AtomicWaker::new());
    let flag = Arc::new(AtomicBool::new(false));
    let barrier = Arc::new(Barrier::new(2));
    let producer = {
        let (aw, flag, barrier) = (Arc::clone(&aw), Arc::clone(&flag), Arc::clone(&barrier));
        thread::spawn(move || {
            for _ in 0..ROUNDS {
                barrier.wait();
                flag.store(true, SeqCst);
                aw.wake();
                barrier.wait();
            }
        })
    };

    let (count, waker) = counting();
    let mut lost = 0;
    for _ in 0..ROUNDS {
        let before = wakes(&count);
        barrier.wait();
        aw.register(&waker);
        let saw = flag.load(SeqCst);
        barrier.wait();
        let woken = wakes(&count) > before;
        if !saw && !woken {
            lost += 1;
        }
        flag.store(false, SeqCst);
        // Start each round with nothing registered.
        aw.take();
    }
    producer.join().unwrap();
    assert_eq!(lost, 0, "rounds with neither the flag seen nor a wake");
}

/// A future that is ready once `remaining` reaches zero, registering before it checks.
struct Countdown<'a> {
    aw: &'a AtomicWaker,
    remaining: &'a AtomicUsize,
}

impl Future for Countdown<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.aw.register(cx.waker());
        if self.remaining.load(SeqCst) == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// Unparks a thread.
struct Unpark(thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Drives `fut` on this thread, parking between polls; fails instead of hanging.
fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        assert!(Instant::now() < deadline, "a wake was lost");
        thread::park_timeout(Duration::from_secs(1));
    }
}

/// Four producers each count down and wake; a consumer blocked in a future wakes up for the
/// last one. Round after round, with nothing in between but the AtomicWaker.
#[test]
fn four_notifiers_and_a_parked_consumer() {
    const ROUNDS: usize = 2_000;
    const PRODUCERS: usize = 4;
    let aw = Arc::new(AtomicWaker::new());
    let remaining = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(PRODUCERS + 1));
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|_| {
            let (aw, remaining, start) =
                (Arc::clone(&aw), Arc::clone(&remaining), Arc::clone(&start));
            thread::spawn(move || {
                for _ in 0..ROUNDS {
                    start.wait();
                    remaining.fetch_sub(1, SeqCst);
                    aw.wake();
                }
            })
        })
        .collect();
    for _ in 0..ROUNDS {
        remaining.store(PRODUCERS, SeqCst);
        start.wait();
        block_on(Countdown {
            aw: &aw,
            remaining: &remaining,
        });
    }
    for p in producers {
        p.join().unwrap();
    }
}
