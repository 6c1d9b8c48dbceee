//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use wakepoll::{Events, Poll, Token};

/// A connected, non-blocking socket pair.
pub fn socket_pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().expect("socketpair");
    a.set_nonblocking(true).expect("nonblocking");
    b.set_nonblocking(true).expect("nonblocking");
    (a, b)
}

pub fn fd(s: &UnixStream) -> RawFd {
    s.as_raw_fd()
}

/// Polls once with `timeout` and returns (token, readable, writable) of each event.
pub fn poll_once(
    poll: &mut Poll,
    events: &mut Events,
    timeout: Duration,
) -> Vec<(Token, bool, bool)> {
    poll.poll(events, Some(timeout)).expect("poll");
    events
        .iter()
        .map(|e| (e.token(), e.is_readable(), e.is_writable()))
        .collect()
}

/// Reads until the socket would block; returns the number of bytes read.
pub fn drain(s: &mut UnixStream) -> usize {
    let mut buf = [0u8; 4096];
    let mut total = 0;
    loop {
        match s.read(&mut buf) {
            Ok(0) => return total,
            Ok(n) => total += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return total,
            Err(e) => panic!("read: {e}"),
        }
    }
}

pub fn send(s: &mut UnixStream, data: &[u8]) {
    s.write_all(data).expect("write");
}

/// The tokens of `events`.
pub fn tokens(events: &Events) -> Vec<Token> {
    events.iter().map(|e| e.token()).collect()
}
