//! The Rust core's side of the Node benchmarks (`npm run bench`): the same work as a JS row,
//! done by the core alone, so that the bench can put the two side by side in one run.
//!
//! ```text
//! bench_peer roundtrip <rounds> [<cpu> <peer-cpu>]
//!                                      two threads, each blocked in its own Poll, ping-pong
//!                                      through Wakers; one sample per round trip (ns); with
//!                                      CPUs (Linux), the measuring thread and its peer are
//!                                      pinned to them, as the JS row pins its pair
//! bench_peer deliver <k> <rounds>      K Wakers of one Poll all woken, then one poll(0) that
//!                                      returns the K events and reads their tokens; one sample
//!                                      per round (ns per event)
//! bench_peer echo-client <port> <connections> <size> <seconds>
//!                                      the echo row's load: N connections to 127.0.0.1:port,
//!                                      each a closed loop of size-byte messages; one sample
//!                                      per echoed message (its latency, ns)
//! bench_peer hold <port> <connections>  opens that many idle connections to 127.0.0.1:port
//!                                      (the idle-connection memory row's client), prints
//!                                      `{"connected":N}`, holds them until stdin closes
//! bench_peer echo-server-raw           (Linux) an echo server on libc's epoll alone, the echo
//!                                      row's physical limit (raw_echo.rs): prints
//!                                      `{"port":N}`, serves until stdin closes
//! ```
//!
//! The echo row's client is native so that it is never the bottleneck, and the same for every
//! server compared (a node:net client caps near node:net's own rate).
//!
//! Prints one line of JSON: `{"samples_ns":[…]}` (echo-client adds `"elapsed_ns"`). Errors go
//! to stderr with exit code 1.

use std::env;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use wakepoll::net::TcpStream;
use wakepoll::{Events, Interest, Poll, Token, Waker};

#[cfg(target_os = "linux")]
mod raw_echo;

// The core bench's thread pinning (only `pin_current` is used here).
#[cfg(target_os = "linux")]
#[allow(dead_code)]
#[path = "../../benches/common/placement.rs"]
mod placement;

const PING: Token = Token(1);
const PONG: Token = Token(2);

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if let ["hold", port, connections] = args.as_slice() {
        return match hold(port, connections) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("bench_peer hold: {err}");
                ExitCode::FAILURE
            }
        };
    }
    if args == ["echo-server-raw"] {
        return match serve_raw() {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("bench_peer echo-server-raw: {err}");
                ExitCode::FAILURE
            }
        };
    }
    match run(&args).and_then(print) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench_peer: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Opens `connections` idle connections (blocking connects: the server accepts meanwhile),
/// says so on stdout, and holds them until stdin reaches end of file.
fn hold(port: &str, connections: &str) -> io::Result<()> {
    let port = u16::try_from(number(port)?).map_err(io::Error::other)?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    raise_nofile_limit();
    let held: Vec<std::net::TcpStream> = (0..number(connections)?)
        .map(|_| std::net::TcpStream::connect(addr))
        .collect::<io::Result<_>>()?;
    {
        let mut out = io::stdout().lock();
        writeln!(out, "{{\"connected\":{}}}", held.len())?;
        out.flush()?;
    }
    io::copy(&mut io::stdin().lock(), &mut io::sink())?;
    drop(held);
    Ok(())
}

/// Raises the soft limit of open files to the hard one, as Node does at start-up: `hold`
/// keeps 10,000 connections open.
#[cfg(unix)]
fn raise_nofile_limit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit read and write a live rlimit.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

#[cfg(not(unix))]
fn raise_nofile_limit() {}

#[cfg(target_os = "linux")]
fn serve_raw() -> io::Result<()> {
    raw_echo::serve()
}

#[cfg(not(target_os = "linux"))]
fn serve_raw() -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "the raw echo server is written on epoll: Linux only",
    ))
}

fn run(args: &[&str]) -> io::Result<Measured> {
    match args {
        ["roundtrip", rounds] => roundtrip(number(rounds)?, None).map(Measured::from),
        ["roundtrip", rounds, cpu, peer_cpu] => {
            let cpus = (cpu_number(cpu)?, cpu_number(peer_cpu)?);
            roundtrip(number(rounds)?, Some(cpus)).map(Measured::from)
        }
        ["deliver", k, rounds] => deliver(number(k)?, number(rounds)?).map(Measured::from),
        ["echo-client", port, connections, size, seconds] => {
            let port = u16::try_from(number(port)?).map_err(io::Error::other)?;
            echo_client(port, number(connections)?, number(size)?, number(seconds)?)
        }
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "usage: bench_peer roundtrip <rounds> [<cpu> <peer-cpu>] | deliver <k> <rounds> \
             | echo-client <port> <connections> <size> <seconds> | hold <port> <connections> \
             | echo-server-raw",
        )),
    }
}

/// A CPU number (0 counts).
fn cpu_number(arg: &str) -> io::Result<usize> {
    arg.parse().map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a CPU number: {arg}"),
        )
    })
}

fn number(arg: &str) -> io::Result<usize> {
    arg.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a positive integer: {arg}"),
        )
    })
}

/// What a subcommand measured: samples, and for the echo client the time they took.
struct Measured {
    samples_ns: Vec<f64>,
    elapsed_ns: Option<f64>,
}

impl From<Vec<f64>> for Measured {
    fn from(samples_ns: Vec<f64>) -> Self {
        Measured {
            samples_ns,
            elapsed_ns: None,
        }
    }
}

fn print(measured: Measured) -> io::Result<()> {
    let list: Vec<String> = measured
        .samples_ns
        .iter()
        .map(|ns| format!("{ns:.0}"))
        .collect();
    let elapsed = measured
        .elapsed_ns
        .map(|ns| format!(",\"elapsed_ns\":{ns:.0}"))
        .unwrap_or_default();
    let mut out = io::stdout().lock();
    writeln!(out, "{{\"samples_ns\":[{}]{elapsed}}}", list.join(","))
}

/// Main ↔ peer thread, each blocked in `poll(None)`, like the JS main thread ↔ worker row.
fn roundtrip(rounds: usize, cpus: Option<(usize, usize)>) -> io::Result<Vec<f64>> {
    if let Some((cpu, _)) = cpus {
        pin(cpu)?;
    }
    let mut poll = Poll::new()?;
    let pong = Arc::new(Waker::new(poll.registry(), PONG)?);
    let (ping_tx, ping_rx) = mpsc::channel();

    let peer_pong = Arc::clone(&pong);
    let peer = thread::spawn(move || -> io::Result<()> {
        if let Some((_, peer_cpu)) = cpus {
            pin(peer_cpu)?;
        }
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

/// Pins the calling thread to `cpu` (Linux; elsewhere the row runs unpinned and asks for none).
fn pin(cpu: usize) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    return placement::pin_current(&[cpu]).map(drop);
    #[cfg(not(target_os = "linux"))]
    return Err(io::Error::new(
        io::ErrorKind::Unsupported,
        format!("pinning to CPU {cpu} is Linux only"),
    ));
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

/// One connection of the echo client: the message being sent, and how much of its echo came.
struct Conn {
    stream: TcpStream,
    connected: bool,
    sent: usize,
    received: usize,
    started: Instant,
}

/// Closed-loop echo load: every connection sends `size` bytes, waits for all of their echo,
/// notes the latency, and sends the next, for `seconds`.
fn echo_client(port: u16, connections: usize, size: usize, seconds: usize) -> io::Result<Measured> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(1024);
    let mut conns = Vec::with_capacity(connections);
    for i in 0..connections {
        let mut stream = TcpStream::connect(addr)?;
        poll.registry().register(
            &mut stream,
            Token(i),
            Interest::READABLE | Interest::WRITABLE,
        )?;
        conns.push(Conn {
            stream,
            connected: false,
            sent: 0,
            received: 0,
            started: Instant::now(),
        });
    }
    let message = vec![b'a'; size];
    let mut buf = vec![0u8; 64 * 1024];
    let mut latencies = Vec::with_capacity(1 << 20);
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds as u64);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        poll.poll(&mut events, Some(left))?;
        for event in events.iter() {
            let conn = &mut conns[event.token().0];
            if !conn.connected {
                if !event.is_writable() {
                    continue;
                }
                if let Some(err) = conn.stream.take_error()? {
                    return Err(err);
                }
                conn.connected = true;
                conn.stream.set_nodelay(true)?;
                conn.started = Instant::now();
                send(conn, &message)?;
                continue;
            }
            if event.is_writable() && conn.sent < size {
                send(conn, &message)?;
            }
            if event.is_readable() || event.is_read_closed() {
                receive(conn, &mut buf, &message, &mut latencies)?;
            }
        }
    }
    Ok(Measured {
        samples_ns: latencies,
        elapsed_ns: Some(start.elapsed().as_nanos() as f64),
    })
}

/// Writes what is left of the current message, until done or the socket is full.
fn send(conn: &mut Conn, message: &[u8]) -> io::Result<()> {
    while conn.sent < message.len() {
        match conn.stream.write(&message[conn.sent..]) {
            Ok(n) => conn.sent += n,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Reads until the socket would block or a read comes back short (which drained it: wakepoll
/// reports the next data of a stream socket anyway); each complete echo starts the next
/// message.
fn receive(
    conn: &mut Conn,
    buf: &mut [u8],
    message: &[u8],
    latencies: &mut Vec<f64>,
) -> io::Result<()> {
    loop {
        match conn.stream.read(buf) {
            Ok(0) => return Err(io::Error::other("the server closed a connection")),
            Ok(n) => {
                conn.received += n;
                if conn.received >= message.len() {
                    latencies.push(conn.started.elapsed().as_nanos() as f64);
                    conn.sent = 0;
                    conn.received = 0;
                    conn.started = Instant::now();
                    send(conn, message)?;
                }
                if n < buf.len() {
                    return Ok(());
                }
            }
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(err) => return Err(err),
        }
    }
}
