//! Model checks of AtomicWaker: every interleaving (up to loom's bounds) of register, wake and
//! take, with no lost notification. Run with
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p wakepoll --release --test loom_atomic_waker
//! ```
//!
//! A lost wake makes `loom::future::block_on` park forever, which loom reports as a deadlock.
//!
//! Preemptions are bounded at 3 (about 2 s in release); `LOOM_MAX_PREEMPTIONS=N` overrides it
//! (4 explores more in about 15 s; unbounded, the two-notifier model does not finish).
#![cfg(loom)]

use std::future::poll_fn;
use std::sync::Arc as StdArc;
use std::task::{Poll, Wake, Waker};

use loom::future::block_on;
use loom::sync::atomic::AtomicUsize;
use loom::sync::atomic::Ordering::{Acquire, Release, SeqCst};
use loom::sync::Arc;
use loom::thread;
use wakepoll::AtomicWaker;

/// The preemption bound unless `LOOM_MAX_PREEMPTIONS` says otherwise.
const PREEMPTIONS: usize = 3;

/// `loom::model`, with the preemption bound above.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(PREEMPTIONS);
    }
    builder.check(f);
}

/// A waker that counts its wakes, in a loom atomic so that loom orders the count too.
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: StdArc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn counting() -> (StdArc<Count>, Waker) {
    let count = StdArc::new(Count(AtomicUsize::new(0)));
    let waker = Waker::from(StdArc::clone(&count));
    (count, waker)
}

/// Two notifiers against one consumer that registers before each check (tokio's
/// `basic_notification`): the consumer always sees both.
#[test]
fn two_notifiers_one_registering_consumer() {
    const NOTIFIERS: usize = 2;
    model(|| {
        let aw = Arc::new(AtomicWaker::new());
        let done = Arc::new(AtomicUsize::new(0));
        for _ in 0..NOTIFIERS {
            let (aw, done) = (aw.clone(), done.clone());
            thread::spawn(move || {
                done.fetch_add(1, Release);
                aw.wake();
            });
        }
        block_on(poll_fn(move |cx| {
            aw.register(cx.waker());
            if done.load(Acquire) == NOTIFIERS {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
    });
}

/// One register racing one wake: the registering side sees the condition or is woken,
/// and is woken at most once.
#[test]
fn wake_racing_register() {
    model(|| {
        let aw = Arc::new(AtomicWaker::new());
        let flag = Arc::new(AtomicUsize::new(0));
        let producer = {
            let (aw, flag) = (aw.clone(), flag.clone());
            thread::spawn(move || {
                flag.store(1, Release);
                aw.wake();
            })
        };
        let (count, waker) = counting();
        aw.register(&waker);
        let saw = flag.load(Acquire) == 1;
        producer.join().unwrap();
        let woken = count.0.load(SeqCst);
        assert!(saw || woken == 1, "lost wake: flag unseen and not woken");
        assert!(woken <= 1, "one wake woke {woken} times");
    });
}

/// A re-register with a new waker racing a wake: the wake reaches the old waker before the
/// second register, or the new one, or the flag is seen after the second register.
#[test]
fn wake_racing_a_re_register() {
    model(|| {
        let aw = Arc::new(AtomicWaker::new());
        let flag = Arc::new(AtomicUsize::new(0));
        let producer = {
            let (aw, flag) = (aw.clone(), flag.clone());
            thread::spawn(move || {
                flag.store(1, Release);
                aw.wake();
            })
        };
        let (_first, first_waker) = counting();
        let (second, second_waker) = counting();
        aw.register(&first_waker);
        aw.register(&second_waker);
        let saw = flag.load(Acquire) == 1;
        producer.join().unwrap();
        assert!(
            saw || second.0.load(SeqCst) == 1,
            "the wake was lost for the task registered last"
        );
    });
}

/// `take` racing `wake` over one registered waker: exactly one of them gets it.
#[test]
fn take_racing_wake() {
    model(|| {
        let aw = Arc::new(AtomicWaker::new());
        let (count, waker) = counting();
        aw.register(&waker);
        let waking = {
            let aw = aw.clone();
            thread::spawn(move || aw.wake())
        };
        let taken = aw.take();
        waking.join().unwrap();
        let woken = count.0.load(SeqCst);
        assert_eq!(usize::from(taken.is_some()) + woken, 1, "taken and woken");
        assert!(aw.take().is_none());
    });
}

/// `take` racing `register`: afterwards the waker is either in the caller's hand or still
/// registered (or was woken because the two collided), never duplicated, never dropped silently.
#[test]
fn take_racing_register() {
    model(|| {
        let aw = Arc::new(AtomicWaker::new());
        let taking = {
            let aw = aw.clone();
            thread::spawn(move || aw.take())
        };
        let (count, waker) = counting();
        aw.register(&waker);
        let taken = taking.join().unwrap();
        let still = aw.take();
        let woken = count.0.load(SeqCst);
        let outcomes = usize::from(taken.is_some()) + usize::from(still.is_some()) + woken;
        assert_eq!(
            outcomes, 1,
            "taken {taken:?}, still registered {still:?}, woken {woken}"
        );
    });
}
