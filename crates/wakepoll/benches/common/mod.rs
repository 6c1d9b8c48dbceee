//! The work both benchmarks measure, written once for wakepoll and mio.
//!
//! `workloads!` expands the same source text twice, once over `wakepoll` and once over `mio`
//! (their APIs are the same), so the two sides cannot drift apart: [`wp`] and [`mio_side`] are
//! the same code with a different crate behind `Poll`, `Waker`, `SourceFd`, `net::UnixStream`.
//!
//! Every workload is a value that is set up once (threads started, fds registered) and then
//! asked to `run(iters)` operations, returning the time those operations took. Setup and
//! anything that only prepares an operation (making eventfds ready, draining stale events)
//! stay outside the returned time.

#![allow(dead_code)] // each bench binary uses a part

pub mod fds;
pub mod harness;
pub mod placement;

macro_rules! workloads {
    ($name:ident, $lib:ident) => {
        pub mod $name {
            use std::hint::black_box;
            use std::io;
            use std::os::fd::RawFd;
            use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
            use std::sync::{Arc, Barrier};
            use std::thread::{self, JoinHandle};
            use std::time::{Duration, Instant};

            use $lib::unix::SourceFd;
            use $lib::{Events, Interest, Poll, Token, Waker};

            use crate::common::fds;

            /// Polls until an event arrives (`poll(None)` may return empty after a signal).
            fn poll_for_event(poll: &mut Poll, events: &mut Events) {
                loop {
                    match poll.poll(events, None) {
                        Ok(()) if !events.is_empty() => return,
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => panic!("poll: {e}"),
                    }
                }
            }

            /// Row 1: one round trip = wake the other thread's `Poll`, then block in our own
            /// `poll` until the other thread's Waker wakes us. Both threads block in `poll`.
            pub struct RoundTrip {
                poll: Poll,
                events: Events,
                wake_remote: Arc<Waker>,
                stop: Arc<AtomicBool>,
                remote: Option<JoinHandle<()>>,
            }

            impl RoundTrip {
                pub fn new() -> RoundTrip {
                    RoundTrip::with_remote_cpu(None)
                }

                /// The same, with the peer thread pinned to `remote_cpu` (the caller pins
                /// itself: see `placement`).
                pub fn with_remote_cpu(remote_cpu: Option<usize>) -> RoundTrip {
                    let poll = Poll::new().unwrap();
                    let wake_local = Waker::new(poll.registry(), Token(1)).unwrap();
                    let mut remote_poll = Poll::new().unwrap();
                    let wake_remote =
                        Arc::new(Waker::new(remote_poll.registry(), Token(2)).unwrap());
                    let stop = Arc::new(AtomicBool::new(false));
                    let remote_stop = Arc::clone(&stop);
                    let remote = thread::spawn(move || {
                        if let Some(cpu) = remote_cpu {
                            crate::common::placement::pin_current(&[cpu]).unwrap();
                        }
                        let mut events = Events::with_capacity(8);
                        loop {
                            poll_for_event(&mut remote_poll, &mut events);
                            if remote_stop.load(Ordering::Acquire) {
                                return;
                            }
                            wake_local.wake().unwrap();
                        }
                    });
                    RoundTrip {
                        poll,
                        events: Events::with_capacity(8),
                        wake_remote,
                        stop,
                        remote: Some(remote),
                    }
                }

                pub fn run(&mut self, iters: u64) -> Duration {
                    let start = Instant::now();
                    for _ in 0..iters {
                        self.wake_remote.wake().unwrap();
                        poll_for_event(&mut self.poll, &mut self.events);
                    }
                    start.elapsed()
                }
            }

            impl Drop for RoundTrip {
                fn drop(&mut self) {
                    self.stop.store(true, Ordering::Release);
                    self.wake_remote.wake().unwrap();
                    if let Some(t) = self.remote.take() {
                        t.join().unwrap();
                    }
                }
            }

            /// Row 2: one `poll` that returns the K ready eventfds out of the M registered,
            /// and a walk over the returned tokens. Only that poll and walk are timed; making
            /// the K eventfds ready (one `write` each) and draining events left by other
            /// benchmarks sharing the fds are not.
            pub struct ReadyPoll {
                poll: Poll,
                events: Events,
                registered: usize,
                _waker: Waker,
            }

            impl ReadyPoll {
                /// Registers every fd of `fds` (edge-triggered, readable, token = index), and a
                /// Waker, as an event loop would have.
                pub fn new(fds: &[RawFd]) -> ReadyPoll {
                    let poll = Poll::new().unwrap();
                    for (i, fd) in fds.iter().enumerate() {
                        poll.registry()
                            .register(&mut SourceFd(fd), Token(i), Interest::READABLE)
                            .unwrap();
                    }
                    let waker = Waker::new(poll.registry(), Token(usize::MAX)).unwrap();
                    ReadyPoll {
                        poll,
                        events: Events::with_capacity(fds::MAX_READY + 1),
                        registered: fds.len(),
                        _waker: waker,
                    }
                }

                pub fn registered(&self) -> usize {
                    self.registered
                }

                fn drain(&mut self) {
                    loop {
                        self.poll
                            .poll(&mut self.events, Some(Duration::ZERO))
                            .unwrap();
                        if self.events.is_empty() {
                            return;
                        }
                    }
                }

                pub fn run(&mut self, ready: &[RawFd], iters: u64) -> Duration {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        self.drain();
                        for &fd in ready {
                            fds::eventfd_signal(fd);
                        }
                        let start = Instant::now();
                        poll_for_event(&mut self.poll, &mut self.events);
                        let mut sum = 0usize;
                        for event in self.events.iter() {
                            sum = sum.wrapping_add(usize::from(event.token()));
                        }
                        black_box(sum);
                        total += start.elapsed();
                        assert_eq!(
                            self.events.iter().count(),
                            ready.len(),
                            "{}",
                            stringify!($lib)
                        );
                    }
                    total
                }
            }

            /// Row 3: one operation = register a raw fd (`SourceFd`), then deregister it,
            /// cycling over `fds`. The `Poll` has a Waker, as an event loop would.
            pub struct ChurnFd {
                poll: Poll,
                fds: Vec<RawFd>,
                _waker: Waker,
            }

            impl ChurnFd {
                pub fn new(fds: &[RawFd]) -> ChurnFd {
                    let poll = Poll::new().unwrap();
                    let waker = Waker::new(poll.registry(), Token(usize::MAX)).unwrap();
                    ChurnFd {
                        poll,
                        fds: fds.to_vec(),
                        _waker: waker,
                    }
                }

                pub fn run(&mut self, iters: u64) -> Duration {
                    let registry = self.poll.registry();
                    let n = self.fds.len();
                    let start = Instant::now();
                    for i in 0..iters as usize {
                        let fd = &self.fds[i % n];
                        registry
                            .register(&mut SourceFd(fd), Token(i), Interest::READABLE)
                            .unwrap();
                        registry.deregister(&mut SourceFd(fd)).unwrap();
                    }
                    start.elapsed()
                }
            }

            /// Row 3b: the same churn with the library's own socket type
            /// (`net::UnixStream`, one end of a socketpair each), which carries its own
            /// registration bookkeeping in wakepoll.
            pub struct ChurnSocket {
                poll: Poll,
                socks: Vec<$lib::net::UnixStream>,
                _peers: Vec<$lib::net::UnixStream>,
                _waker: Waker,
            }

            impl ChurnSocket {
                pub fn new(count: usize) -> ChurnSocket {
                    let poll = Poll::new().unwrap();
                    let waker = Waker::new(poll.registry(), Token(usize::MAX)).unwrap();
                    let mut socks = Vec::new();
                    let mut peers = Vec::new();
                    for _ in 0..count {
                        let (a, b) = $lib::net::UnixStream::pair().unwrap();
                        socks.push(a);
                        peers.push(b);
                    }
                    ChurnSocket {
                        poll,
                        socks,
                        _peers: peers,
                        _waker: waker,
                    }
                }

                pub fn run(&mut self, iters: u64) -> Duration {
                    let registry = self.poll.registry();
                    let n = self.socks.len();
                    let start = Instant::now();
                    for i in 0..iters as usize {
                        let sock = &mut self.socks[i % n];
                        registry
                            .register(sock, Token(i), Interest::READABLE)
                            .unwrap();
                        registry.deregister(sock).unwrap();
                    }
                    start.elapsed()
                }
            }

            /// Row 4a: the cost of `wake` itself — one thread wakes a `Poll` that nobody is
            /// blocked in (the events are collected after the timed batch). No scheduler in
            /// the figure: what the library adds to the eventfd write.
            pub struct WakeAlone {
                poll: Poll,
                events: Events,
                waker: Waker,
            }

            impl WakeAlone {
                pub fn new() -> WakeAlone {
                    let poll = Poll::new().unwrap();
                    let waker = Waker::new(poll.registry(), Token(7)).unwrap();
                    WakeAlone {
                        poll,
                        events: Events::with_capacity(8),
                        waker,
                    }
                }

                pub fn run(&mut self, iters: u64) -> Duration {
                    let start = Instant::now();
                    for _ in 0..iters {
                        self.waker.wake().unwrap();
                    }
                    let elapsed = start.elapsed();
                    poll_for_event(&mut self.poll, &mut self.events);
                    elapsed
                }
            }

            /// Row 4: `THREADS` threads call `wake` on one shared Waker as fast as they can;
            /// one thread polls until all have finished. One operation = one `wake`. Wakes
            /// coalesce (one eventfd, edge-triggered), so the poller sees fewer events than
            /// wakes; `events_per_wake` tells how many.
            pub struct WakeFlood {
                poll: Poll,
                events: Events,
                start: Arc<Barrier>,
                per_thread: Arc<AtomicU64>,
                finished: Arc<AtomicUsize>,
                stop: Arc<AtomicBool>,
                workers: Vec<JoinHandle<()>>,
                pub wakes: u64,
                pub events_seen: u64,
            }

            pub const THREADS: usize = 4;

            impl WakeFlood {
                pub fn new() -> WakeFlood {
                    let poll = Poll::new().unwrap();
                    let waker = Arc::new(Waker::new(poll.registry(), Token(7)).unwrap());
                    let start = Arc::new(Barrier::new(THREADS + 1));
                    let per_thread = Arc::new(AtomicU64::new(0));
                    let finished = Arc::new(AtomicUsize::new(0));
                    let stop = Arc::new(AtomicBool::new(false));
                    let workers = (0..THREADS)
                        .map(|_| {
                            let waker = Arc::clone(&waker);
                            let start = Arc::clone(&start);
                            let per_thread = Arc::clone(&per_thread);
                            let finished = Arc::clone(&finished);
                            let stop = Arc::clone(&stop);
                            thread::spawn(move || loop {
                                start.wait();
                                if stop.load(Ordering::Acquire) {
                                    return;
                                }
                                for _ in 0..per_thread.load(Ordering::Acquire) {
                                    waker.wake().unwrap();
                                }
                                finished.fetch_add(1, Ordering::AcqRel);
                                // After the count: the poller's last event comes after it.
                                waker.wake().unwrap();
                            })
                        })
                        .collect();
                    WakeFlood {
                        poll,
                        events: Events::with_capacity(8),
                        start,
                        per_thread,
                        finished,
                        stop,
                        workers,
                        wakes: 0,
                        events_seen: 0,
                    }
                }

                /// `iters` wakes in all (rounded up to a multiple of `THREADS`).
                pub fn run(&mut self, iters: u64) -> Duration {
                    let per_thread = iters.div_ceil(THREADS as u64);
                    self.per_thread.store(per_thread, Ordering::Release);
                    self.finished.store(0, Ordering::Release);
                    self.start.wait();
                    let start = Instant::now();
                    loop {
                        poll_for_event(&mut self.poll, &mut self.events);
                        self.events_seen += self.events.iter().count() as u64;
                        if self.finished.load(Ordering::Acquire) == THREADS {
                            break;
                        }
                    }
                    let elapsed = start.elapsed();
                    self.wakes += (per_thread + 1) * THREADS as u64;
                    // Scale to exactly `iters` operations.
                    elapsed.mul_f64(iters as f64 / (per_thread * THREADS as u64) as f64)
                }

                pub fn events_per_wake(&self) -> f64 {
                    self.events_seen as f64 / self.wakes.max(1) as f64
                }
            }

            impl Drop for WakeFlood {
                fn drop(&mut self) {
                    self.stop.store(true, Ordering::Release);
                    self.start.wait();
                    for t in self.workers.drain(..) {
                        t.join().unwrap();
                    }
                    // A wake still queued from the last round is dropped with the Poll.
                }
            }
        }
    };
}

workloads!(wp, wakepoll);
workloads!(mio_side, mio);
