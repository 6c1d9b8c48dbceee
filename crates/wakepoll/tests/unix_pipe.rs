//! unix::pipe: mio's unix_pipe scenarios — events on both ends, closes seen from the other
//! end, a full pipe, blocking mode, vectored I/O and child process pipes.
#![cfg(unix)]

mod util;

use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};

use util::{
    assert_nonblocking_cloexec, assert_would_block, code, expect_no_events, read_until_would_block,
    wait_for,
};
use wakepoll::unix::pipe::{self, Receiver, Sender};
use wakepoll::{Events, Interest, Poll, Token, Waker};

const SENDER: Token = Token(1);
const RECEIVER: Token = Token(2);
const CONTROL: Token = Token(9);

#[test]
fn both_ends_are_nonblocking_and_close_on_exec() {
    let (sender, receiver) = pipe::new().unwrap();
    assert_nonblocking_cloexec(sender.as_raw_fd());
    assert_nonblocking_cloexec(receiver.as_raw_fd());
    assert_would_block((&receiver).read(&mut [0; 4]));
}

#[test]
fn data_makes_the_receiver_readable_edge_triggered() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut sender, mut receiver) = pipe::new().unwrap();
    poll.registry()
        .register(&mut receiver, RECEIVER, Interest::READABLE)
        .unwrap();

    sender.write_all(b"hello").unwrap();
    wait_for(&mut poll, &mut events, RECEIVER, |s| s.readable);
    assert_eq!(
        read_until_would_block(&mut receiver),
        (b"hello".to_vec(), false)
    );
    expect_no_events(&mut poll, &mut events);

    (&sender).write_all(b"again").unwrap();
    wait_for(&mut poll, &mut events, RECEIVER, |s| s.readable);
    assert_eq!(
        read_until_would_block(&receiver),
        (b"again".to_vec(), false)
    );
}

#[test]
fn a_closed_sender_shows_the_receiver_read_closed() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (sender, mut receiver) = pipe::new().unwrap();
    poll.registry()
        .register(&mut receiver, RECEIVER, Interest::READABLE)
        .unwrap();
    drop(sender);
    wait_for(&mut poll, &mut events, RECEIVER, |s| s.read_closed);
    assert_eq!(read_until_would_block(&mut receiver), (Vec::new(), true));
}

#[test]
fn a_closed_receiver_shows_the_sender_write_closed() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut sender, receiver) = pipe::new().unwrap();
    poll.registry()
        .register(&mut sender, SENDER, Interest::WRITABLE)
        .unwrap();
    wait_for(&mut poll, &mut events, SENDER, |s| s.writable);
    drop(receiver);
    let seen = wait_for(&mut poll, &mut events, SENDER, |s| s.write_closed);
    assert!(seen.write_closed, "{seen:?}");
    // The test harness ignores SIGPIPE (Rust's runtime does), so the write fails instead.
    let err = sender.write(b"x").unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    assert_eq!(code(&err), "EPIPE");
}

#[test]
fn a_full_pipe_reports_writable_again_once_drained() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut sender, mut receiver) = pipe::new().unwrap();
    poll.registry()
        .register(&mut sender, SENDER, Interest::WRITABLE)
        .unwrap();
    wait_for(&mut poll, &mut events, SENDER, |s| s.writable);

    let chunk = [1u8; 8192];
    let mut written = 0;
    loop {
        match sender.write(&chunk) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("write: {e}"),
        }
    }
    expect_no_events(&mut poll, &mut events);
    let (read, closed) = read_until_would_block(&mut receiver);
    assert_eq!((read.len(), closed), (written, false));
    wait_for(&mut poll, &mut events, SENDER, |s| s.writable);
}

#[test]
fn no_events_after_deregister_but_the_data_stays_readable() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let waker = Waker::new(poll.registry(), CONTROL).unwrap();
    let (mut sender, mut receiver) = pipe::new().unwrap();
    poll.registry()
        .register(&mut receiver, RECEIVER, Interest::READABLE)
        .unwrap();
    sender.write_all(b"a").unwrap();
    wait_for(&mut poll, &mut events, RECEIVER, |s| s.readable);
    poll.registry().deregister(&mut receiver).unwrap();
    sender.write_all(b"b").unwrap();
    waker.wake().unwrap();
    let control = wait_for(&mut poll, &mut events, CONTROL, |s| s.readable);
    assert!(!control.others.contains(&RECEIVER), "{control:?}");
    expect_no_events(&mut poll, &mut events);
    assert_eq!(
        read_until_would_block(&mut receiver),
        (b"ab".to_vec(), false)
    );
}

#[test]
fn reregister_and_one_poll_at_a_time() {
    let mut poll = Poll::new().unwrap();
    let other = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut sender, mut receiver) = pipe::new().unwrap();
    poll.registry()
        .register(&mut receiver, Token(60), Interest::READABLE)
        .unwrap();
    let err = other
        .registry()
        .register(&mut receiver, RECEIVER, Interest::READABLE)
        .unwrap_err();
    assert_eq!(code(&err), "EEXIST");
    poll.registry()
        .reregister(&mut receiver, Token(61), Interest::READABLE)
        .unwrap();
    sender.write_all(b"x").unwrap();
    let seen = wait_for(&mut poll, &mut events, Token(61), |s| s.readable);
    assert!(!seen.others.contains(&Token(60)), "{seen:?}");
}

#[test]
fn set_nonblocking_switches_the_mode() {
    let (sender, receiver) = pipe::new().unwrap();
    let blocking = |fd: i32| {
        // SAFETY: F_GETFL only reads the flags of an fd we hold open.
        let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        fl & libc::O_NONBLOCK == 0
    };
    receiver.set_nonblocking(false).unwrap();
    sender.set_nonblocking(false).unwrap();
    assert!(blocking(receiver.as_raw_fd()) && blocking(sender.as_raw_fd()));
    receiver.set_nonblocking(true).unwrap();
    sender.set_nonblocking(true).unwrap();
    assert_nonblocking_cloexec(receiver.as_raw_fd());
    assert_nonblocking_cloexec(sender.as_raw_fd());
}

#[test]
fn vectored_io_round_trips() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut sender, mut receiver) = pipe::new().unwrap();
    poll.registry()
        .register(&mut receiver, RECEIVER, Interest::READABLE)
        .unwrap();
    let n = sender
        .write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cde")])
        .unwrap();
    assert_eq!(n, 5);
    wait_for(&mut poll, &mut events, RECEIVER, |s| s.readable);
    let (mut x, mut y) = ([0u8; 4], [0u8; 4]);
    let n = receiver
        .read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)])
        .unwrap();
    assert_eq!((n, &x, &y[..1]), (5, b"abcd", &b"e"[..]));
}

#[test]
fn a_childs_pipes_become_sources() {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("read line; printf 'got %s' \"$line\"")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sh");
    let mut stdin = Sender::from(child.stdin.take().unwrap());
    let mut stdout = Receiver::from(child.stdout.take().unwrap());
    stdin.set_nonblocking(true).unwrap();
    stdout.set_nonblocking(true).unwrap();

    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    poll.registry()
        .register(&mut stdout, RECEIVER, Interest::READABLE)
        .unwrap();
    stdin.write_all(b"ping\n").unwrap();
    drop(stdin);

    let mut output = Vec::new();
    loop {
        // A hang-up with nothing left to read is reported read-closed, not readable.
        wait_for(&mut poll, &mut events, RECEIVER, |s| {
            s.readable || s.read_closed
        });
        let (got, done) = read_until_would_block(&mut stdout);
        output.extend(got);
        if done {
            break;
        }
    }
    assert_eq!(output, b"got ping");
    assert!(child.wait().unwrap().success());
}
