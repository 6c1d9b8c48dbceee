//! The Rust core's side of the Node benchmarks (`npm run bench`): the same work as a JS row,
//! done by the core alone, so that the bench can put the two side by side in one run.
//!
//! ```text
//! bench_peer roundtrip <rounds>        two threads, each blocked in its own Poll, ping-pong
//!                                      through Wakers; one sample per round trip (ns)
//! bench_peer deliver <k> <rounds>      K Wakers of one Poll all woken, then one poll(0) that
//!                                      returns the K events and reads their tokens; one sample
//!                                      per round (ns per event)
//! ```
//!
//! Prints one line of JSON: `{"samples_ns":[…]}`. Errors go to stderr with exit code 1.

use std::env;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use wakepoll::{Events, Poll, Token, Waker};

const PING: Token = Token(1);
const PONG: Token = Token(2);

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let samples = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["roundtrip", rounds] => number(rounds).and_then(roundtrip),
        ["deliver", k, rounds] => {
            number(k).and_then(|k| number(rounds).and_then(|r| deliver(k, r)))
        }
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "usage: bench_peer roundtrip <rounds> | deliver <k> <rounds>",
        )),
    };
    match samples.and_then(print) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench_peer: {err}");
            ExitCode::FAILURE
        }
    }
}

fn number(arg: &str) -> io::Result<usize> {
    arg.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a positive integer: {arg}"),
        )
    })
}

fn print(samples: Vec<f64>) -> io::Result<()> {
    let list: Vec<String> = samples.iter().map(|ns| format!("{ns:.1}")).collect();
    let mut out = io::stdout().lock();
    writeln!(out, "{{\"samples_ns\":[{}]}}", list.join(","))
}

/// Main ↔ peer thread, each blocked in `poll(None)`, like the JS main thread ↔ worker row.
fn roundtrip(rounds: usize) -> io::Result<Vec<f64>> {
    let mut poll = Poll::new()?;
    let pong = Arc::new(Waker::new(poll.registry(), PONG)?);
    let (ping_tx, ping_rx) = mpsc::channel();

    let peer_pong = Arc::clone(&pong);
    let peer = thread::spawn(move || -> io::Result<()> {
        let mut poll = Poll::new()?;
        let ping = Arc::new(Waker::new(poll.registry(), PING)?);
        ping_tx.send(Arc::clone(&ping)).map_err(io::Error::other)?;
        let mut events = Events::with_capacity(4);
        for _ in 0..rounds {
            wait_for(&mut poll, &mut events, PING)?;
            peer_pong.wake()?;
        }
        Ok(())
    });
    let ping = ping_rx.recv().map_err(io::Error::other)?;

    let mut events = Events::with_capacity(4);
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t0 = Instant::now();
        ping.wake()?;
        wait_for(&mut poll, &mut events, PONG)?;
        samples.push(t0.elapsed().as_nanos() as f64);
    }
    peer.join()
        .map_err(|_| io::Error::other("the peer thread panicked"))??;
    Ok(samples)
}

fn wait_for(poll: &mut Poll, events: &mut Events, token: Token) -> io::Result<()> {
    loop {
        poll.poll(events, None)?;
        if events.iter().any(|e| e.token() == token) {
            return Ok(());
        }
    }
}

/// K ready events out of one `poll(0)`, tokens read: the JS row's "deliver K events" without JS.
fn deliver(k: usize, rounds: usize) -> io::Result<Vec<f64>> {
    let mut poll = Poll::new()?;
    let wakers = (0..k)
        .map(|i| Waker::new(poll.registry(), Token(i)))
        .collect::<io::Result<Vec<_>>>()?;
    let mut events = Events::with_capacity(k);
    let mut samples = Vec::with_capacity(rounds);
    let mut checksum = 0usize;
    for _ in 0..rounds {
        for waker in &wakers {
            waker.wake()?;
        }
        let t0 = Instant::now();
        poll.poll(&mut events, Some(Duration::ZERO))?;
        let mut n = 0;
        for event in events.iter() {
            checksum = checksum.wrapping_add(event.token().0);
            n += 1;
        }
        let elapsed = t0.elapsed().as_nanos() as f64;
        if n != k {
            return Err(io::Error::other(format!("expected {k} events, got {n}")));
        }
        samples.push(elapsed / n as f64);
    }
    // Keeps the token reads from being optimised away.
    std::hint::black_box(checksum);
    Ok(samples)
}
