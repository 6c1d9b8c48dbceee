//! WaitContext for any source, as crosvm's: pipes, sockets, raw fds, for reading, writing or
//! both, level-triggered, with `TriggeredEvent`s saying which way each source is ready.
#![cfg(unix)]

use std::io::{Read, Write};
use std::time::Duration;

use wakepoll::sync::{Event, EventType, TriggeredEvent, WaitContext};
use wakepoll::unix::SourceFd;
use wakepoll::{pipe, Token};

const NO_WAIT: Duration = Duration::ZERO;
const GENEROUS: Duration = Duration::from_secs(10);

fn one(ctx: &WaitContext) -> TriggeredEvent {
    let events = ctx.wait_events_timeout(GENEROUS).unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    events[0]
}

#[test]
fn pipe_ends_for_read_and_write_level_triggered() {
    let (mut tx, mut rx) = pipe::new().unwrap();
    let ctx = WaitContext::new().unwrap();
    ctx.add(&rx, Token(1)).unwrap();
    ctx.add_for(&tx, EventType::Write, Token(2)).unwrap();
    // An empty pipe: only the write end is ready, and stays reported.
    for _ in 0..2 {
        let e = one(&ctx);
        assert_eq!(e.token, Token(2));
        assert!(e.is_writable && !e.is_readable);
    }
    ctx.delete(&tx).unwrap();
    assert!(ctx.wait_timeout(NO_WAIT).unwrap().is_empty());

    tx.write_all(b"hi").unwrap();
    for _ in 0..2 {
        let e = one(&ctx);
        assert_eq!(e.token, Token(1));
        assert!(e.is_readable && !e.is_writable && !e.is_hungup);
    }
    let mut buf = [0u8; 8];
    assert_eq!(rx.read(&mut buf).unwrap(), 2);
    assert!(
        ctx.wait_timeout(NO_WAIT).unwrap().is_empty(),
        "drained: not reported"
    );

    drop(tx);
    let e = one(&ctx);
    assert_eq!(e.token, Token(1));
    assert!(e.is_hungup, "{e:?}");
}

#[test]
#[cfg_attr(
    wakepoll_libkqueue,
    ignore = "libkqueue gap 6: EV_ADD of an existing level-triggered socket read knote is refused (its token stays)"
)]
fn modify_switches_direction_and_token() {
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    let a = wakepoll::net::UnixStream::from_std(a);
    let mut b = b;
    let ctx = WaitContext::new().unwrap();
    ctx.add(&a, Token(1)).unwrap();
    assert!(ctx.wait_timeout(NO_WAIT).unwrap().is_empty());
    ctx.modify(&a, EventType::ReadWrite, Token(3)).unwrap();
    b.write_all(b"x").unwrap();
    let e = one(&ctx);
    assert_eq!(e.token, Token(3));
    assert!(e.is_readable && e.is_writable);
    ctx.modify(&a, EventType::Read, Token(4)).unwrap();
    let e = one(&ctx);
    assert_eq!(
        (e.token, e.is_readable, e.is_writable),
        (Token(4), true, false)
    );
}

#[test]
fn raw_fds_and_events_together() {
    use std::os::fd::AsRawFd;
    let (r, mut w) = std::io::pipe().unwrap();
    let fd = r.as_raw_fd();
    let event = Event::new().unwrap();
    let ctx = WaitContext::new().unwrap();
    ctx.add(SourceFd(&fd), Token(1)).unwrap();
    ctx.add(&event, Token(2)).unwrap();
    w.write_all(b"x").unwrap();
    event.signal().unwrap();
    let mut tokens = ctx.wait_timeout(GENEROUS).unwrap();
    tokens.sort();
    assert_eq!(tokens, vec![Token(1), Token(2)]);
    // A raw fd may also be in another context (the OS lets several watch one fd).
    let other = WaitContext::new().unwrap();
    other.add(SourceFd(&fd), Token(7)).unwrap();
    assert_eq!(other.wait_timeout(GENEROUS).unwrap(), vec![Token(7)]);
    ctx.delete(SourceFd(&fd)).unwrap();
    assert_eq!(ctx.wait_timeout(GENEROUS).unwrap(), vec![Token(2)]);
}
