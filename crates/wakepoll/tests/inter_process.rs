//! sync::Event across processes: the descriptor passed to a real child process (this test
//! binary, run again as the child), signalled in one process and waited for in the other;
//! and the checks that keep a bad descriptor from becoming an Event.

use std::io;
use std::time::Duration;

use wakepoll::error;
use wakepoll::sync::{Event, EventWaitResult};

/// Long enough that a test only fails, never hangs, when a signal is lost.
const GENEROUS: Duration = Duration::from_secs(10);

#[cfg_attr(windows, allow(dead_code))]
fn code(err: &io::Error) -> &'static str {
    error::sys_error(err).map_or("not a SysError", |s| s.code())
}

/// The child's side: run only when the parent below starts this binary with `CHILD_ROLE`.
/// The Event's descriptor is the child's stdin (fd 0), as `Command` passes it.
#[test]
fn child_role() {
    let Ok(role) = std::env::var("WAKEPOLL_CHILD_ROLE") else {
        return;
    };
    if role == "poll-then-answer" {
        return poll_then_answer();
    }
    // SAFETY: fd 0 is this process's, handed over by the parent, and nothing else uses it.
    let event = unsafe { Event::from_raw_descriptor(0) }.expect("adopt the Event");
    match role.as_str() {
        "signal" => event.signal().unwrap(),
        "wait-then-signal" => {
            assert_eq!(
                event.wait_timeout(GENEROUS).unwrap(),
                EventWaitResult::Signaled
            );
            // The answer goes through a second Event (fd 3) the parent waits on.
            // SAFETY: fd 3 was handed over by the parent as well.
            let answer = unsafe { Event::from_raw_descriptor(3) }.expect("adopt the answer");
            answer.signal().unwrap();
        }
        other => panic!("unknown role {other}"),
    }
}

/// The child's side of the Windows exchange: the handle values of two inherited Events are in
/// the environment. A Poll in this process watches `ping`; the child says "ready" through
/// `answer`, sees the parent's signal in its Poll, consumes it, and answers again.
fn poll_then_answer() {
    use wakepoll::{Events, Interest, Poll, Token};
    let adopt = |name: &str| {
        let raw: i64 = std::env::var(name).unwrap().parse().unwrap();
        // SAFETY: the parent made this handle inheritable for this process, and nothing else
        // here uses it.
        unsafe { Event::from_raw_descriptor(raw) }.expect("adopt an inherited Event")
    };
    let ping = adopt("WAKEPOLL_CHILD_PING");
    let answer = adopt("WAKEPOLL_CHILD_ANSWER");
    let mut poll = Poll::new().unwrap();
    poll.registry()
        .register(&mut &ping, Token(42), Interest::READABLE)
        .unwrap();
    answer.signal().unwrap();
    let mut events = Events::with_capacity(2);
    poll.poll(&mut events, Some(GENEROUS)).unwrap();
    let tokens: Vec<Token> = events.iter().map(|e| e.token()).collect();
    assert_eq!(tokens, [Token(42)], "the parent's signal reached this Poll");
    assert_eq!(
        ping.wait_timeout(Duration::ZERO).unwrap(),
        EventWaitResult::Signaled
    );
    answer.signal().unwrap();
}

/// One descriptor crosses: an eventfd (Linux), an unlinked FIFO (macOS, FreeBSD, and Linux
/// over libkqueue, where `scripts/cross/check-libkqueue.sh` runs these).
#[cfg(unix)]
mod unix {
    use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};

    use wakepoll::sync::{Event, EventWaitResult, WaitContext};
    use wakepoll::{Events, Interest, Poll, Token};

    use super::{code, GENEROUS};

    fn child(role: &str) -> Command {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", "child_role", "--nocapture", "--test-threads=1"])
            .env("WAKEPOLL_CHILD_ROLE", role)
            // The child's test harness report would read as this run's own.
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        cmd
    }

    /// A descriptor of `event` (a clone's: the parent keeps its own) for the child's stdio.
    fn stdio_of(event: &Event) -> Stdio {
        let clone = event.try_clone().unwrap();
        // SAFETY: into_raw_fd hands over the clone's fd, which nothing else owns.
        Stdio::from(unsafe { OwnedFd::from_raw_fd(clone.into_raw_fd()) })
    }

    #[test]
    fn a_child_signals_and_the_parents_poll_and_wait_see_it() {
        let event = Event::new().unwrap();
        let mut poll = Poll::new().unwrap();
        poll.registry()
            .register(&mut &event, Token(5), Interest::READABLE)
            .unwrap();
        let status = child("signal").stdin(stdio_of(&event)).status().unwrap();
        assert!(status.success(), "the child failed: {status}");
        let mut events = Events::with_capacity(2);
        poll.poll(&mut events, Some(GENEROUS)).unwrap();
        assert_eq!(
            events.iter().map(|e| e.token()).collect::<Vec<_>>(),
            [Token(5)]
        );
        assert_eq!(
            event.wait_timeout(GENEROUS).unwrap(),
            EventWaitResult::Signaled
        );
    }

    #[test]
    fn the_parent_signals_a_waiting_child_which_answers_into_a_wait_context() {
        let ping = Event::new().unwrap();
        let answer = Event::new().unwrap();
        let ctx = WaitContext::new().unwrap();
        ctx.add(&answer, Token(9)).unwrap();
        let answer_fd = answer.as_raw_fd();
        let mut cmd = child("wait-then-signal");
        cmd.stdin(stdio_of(&ping));
        // SAFETY: dup2 is async-signal-safe, and `answer_fd` stays open in the parent until
        // the child has started (it is the parent's own Event's fd).
        unsafe {
            cmd.pre_exec(move || {
                if libc::dup2(answer_fd, 3) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut running = cmd.spawn().unwrap();
        ping.signal().unwrap();
        assert_eq!(ctx.wait_timeout(GENEROUS).unwrap(), vec![Token(9)]);
        assert!(running.wait().unwrap().success());
    }

    /// The highest fd number this process may open (capped where the limit is huge).
    fn highest_fd_number() -> i32 {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `limit` is a valid rlimit for getrlimit to fill.
        assert_eq!(
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
            0
        );
        let cap = 1 << 16;
        if limit.rlim_cur == libc::RLIM_INFINITY || limit.rlim_cur > cap {
            cap as i32 - 1
        } else {
            limit.rlim_cur as i32 - 1
        }
    }

    #[test]
    fn a_bad_descriptor_is_a_clear_error_and_is_left_open() {
        // SAFETY (all three): the checks fail, so nothing is adopted or closed.
        let err = unsafe { Event::from_raw_descriptor(-1) }.unwrap_err();
        assert_eq!(code(&err), "EBADF");
        // A closed event's number: moved to the highest number the fd limit allows before it
        // is closed, because new fds take the lowest free number — a number freed low down is
        // taken at once by another test's thread (or libkqueue's), and is then open again.
        let closed = {
            let e = Event::new().unwrap();
            let high = highest_fd_number();
            // SAFETY: `e`'s fd is open; `high` is a number nothing here uses.
            assert_eq!(unsafe { libc::dup2(e.as_raw_fd(), high) }, high);
            high
        };
        // SAFETY: `closed` is ours (the dup above); closing it makes the number stale.
        drop(unsafe { OwnedFd::from_raw_fd(closed) });
        let err = unsafe { Event::from_raw_descriptor(i64::from(closed)) }.unwrap_err();
        assert_eq!(code(&err), "EBADF");
        let err = unsafe { Event::from_raw_descriptor(i64::from(i32::MAX)) }.unwrap_err();
        assert_eq!(code(&err), "EBADF");
        let err = unsafe { Event::from_raw_descriptor(i64::MAX) }.unwrap_err();
        assert_eq!(code(&err), "EBADF");

        let (r, w) = std::io::pipe().unwrap();
        let err = unsafe { Event::from_raw_descriptor(i64::from(r.as_raw_fd())) }.unwrap_err();
        assert_eq!(code(&err), "EINVAL");
        // Still open: a write to the other end still works.
        let mut w = w;
        std::io::Write::write_all(&mut w, b"x").unwrap();

        // A FIFO opened for reading only: no eventfd, and no Event's FIFO (those are opened
        // read-write); the writer's end is refused alike.
        let dir = std::env::temp_dir().join(format!("wakepoll-ip-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("fifo");
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&path)
            .unwrap();
        let writer = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        for fd in [reader.as_raw_fd(), writer.as_raw_fd()] {
            let err = unsafe { Event::from_raw_descriptor(i64::from(fd)) }.unwrap_err();
            assert_eq!(code(&err), "EINVAL");
        }
        // Both left open: a byte still goes through.
        std::io::Write::write_all(&mut &writer, b"y").unwrap();
        let mut byte = [0u8; 1];
        assert_eq!(std::io::Read::read(&mut &reader, &mut byte).unwrap(), 1);

        // A regular file, even open read-write, is no Event's.
        let file = tempfile_rw();
        let err = unsafe { Event::from_raw_descriptor(i64::from(file.as_raw_fd())) }.unwrap_err();
        assert_eq!(code(&err), "EINVAL");

        // A selector (an epoll fd; a kqueue fd, which libkqueue makes a pipe's write end) is
        // not an Event's either.
        let poll = Poll::new().unwrap();
        let err = unsafe { Event::from_raw_descriptor(i64::from(poll.as_raw_fd())) }.unwrap_err();
        assert_eq!(code(&err), "EINVAL");
        let err = Event::try_from(OwnedFd::from(r)).unwrap_err();
        assert_eq!(code(&err), "EINVAL");
        // An Event of this process still works after the refusals.
        let event = Event::new().unwrap();
        event.signal().unwrap();
        assert_eq!(
            event.wait_timeout(GENEROUS).unwrap(),
            EventWaitResult::Signaled
        );
    }

    /// A regular file opened read-write, already unlinked.
    fn tempfile_rw() -> std::fs::File {
        let path = std::env::temp_dir().join(format!("wakepoll-ip-file-{}", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        file
    }

    #[test]
    fn into_raw_fd_ends_the_registration_and_from_raw_fd_adopts() {
        let event = Event::new().unwrap();
        let mut poll = Poll::new().unwrap();
        poll.registry()
            .register(&mut &event, Token(1), Interest::READABLE)
            .unwrap();
        let fd = event.into_raw_fd();
        // SAFETY: `fd` was just handed over by into_raw_fd.
        let back = unsafe { Event::from_raw_fd(fd) };
        back.signal().unwrap();
        let mut events = Events::with_capacity(1);
        poll.poll(&mut events, Some(std::time::Duration::from_millis(20)))
            .unwrap();
        assert!(events.is_empty(), "the old registration is gone");
        poll.registry()
            .register(&mut &back, Token(2), Interest::READABLE)
            .unwrap();
        poll.poll(&mut events, Some(GENEROUS)).unwrap();
        assert_eq!(events.iter().next().map(|e| e.token()), Some(Token(2)));
        assert_eq!(back.as_raw_descriptor(), i64::from(back.as_raw_fd()));
    }
}

/// Windows: an Event's handle, duplicated (as it would be into a child), adopted through
/// `TryFrom<OwnedHandle>` and `from_raw_descriptor`; a bad handle is an error, never an Event.
#[cfg(windows)]
mod windows {
    use std::os::windows::io::{AsRawHandle, BorrowedHandle, IntoRawHandle, OwnedHandle};
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use wakepoll::sync::{Event, EventWaitResult, WaitContext};
    use wakepoll::{Events, Interest, Poll, Token};
    use windows_sys::Win32::System::Threading::SetEvent;

    use super::GENEROUS;

    /// A duplicate of the Event's handle, as `DuplicateHandle` would make one for a child.
    fn duplicate(event: &Event) -> OwnedHandle {
        // SAFETY: the Event's handle is open for as long as `event` lives, which outlasts
        // the borrow.
        unsafe { BorrowedHandle::borrow_raw(event.as_raw_handle()) }
            .try_clone_to_owned()
            .unwrap()
    }

    #[test]
    fn a_duplicated_handle_is_the_same_event() {
        let event = Event::new().unwrap();
        let dup = duplicate(&event);
        let adopted = Event::try_from(dup).unwrap();
        adopted.signal().unwrap();
        assert_eq!(
            event.wait_timeout(GENEROUS).unwrap(),
            EventWaitResult::Signaled
        );

        let raw = duplicate(&event).into_raw_handle();
        // SAFETY: `raw` is a duplicate that nothing else owns.
        let by_number = unsafe { Event::from_raw_descriptor(raw as i64) }.unwrap();
        event.signal().unwrap();
        assert_eq!(
            by_number.wait_timeout(GENEROUS).unwrap(),
            EventWaitResult::Signaled
        );
        assert_eq!(event.as_raw_descriptor(), event.as_raw_handle() as i64);
    }

    /// Sets the event object behind `handle` as code outside wakepoll would (no `signal`).
    fn set(handle: &OwnedHandle) {
        // SAFETY: an open event handle.
        assert_ne!(unsafe { SetEvent(handle.as_raw_handle()) }, 0);
    }

    fn tokens(poll: &mut Poll, timeout: Duration) -> Vec<Token> {
        let mut events = Events::with_capacity(4);
        poll.poll(&mut events, Some(timeout)).unwrap();
        events.iter().map(|e| e.token()).collect()
    }

    #[test]
    fn a_set_event_outside_wakepoll_is_reported_by_a_poll_again_after_each_consume() {
        let event = Event::new().unwrap();
        let dup = duplicate(&event);
        let mut poll = Poll::new().unwrap();
        poll.registry()
            .register(&mut &event, Token(7), Interest::READABLE)
            .unwrap();
        assert_eq!(tokens(&mut poll, Duration::ZERO), []);
        for round in 0..3 {
            set(&dup);
            assert_eq!(tokens(&mut poll, GENEROUS), [Token(7)], "round {round}");
            // Consumed here: the thread-pool wait is renewed for the next SetEvent.
            if round % 2 == 0 {
                assert_eq!(
                    event.wait_timeout(Duration::ZERO).unwrap(),
                    EventWaitResult::Signaled
                );
            } else {
                event.reset().unwrap();
            }
            assert_eq!(tokens(&mut poll, Duration::ZERO), [], "round {round}");
        }
        // A local signal is reported once, though the thread-pool wait sees it too.
        event.signal().unwrap();
        assert_eq!(tokens(&mut poll, Duration::ZERO), [Token(7)]);
        assert_eq!(
            event.wait_timeout(Duration::ZERO).unwrap(),
            EventWaitResult::Signaled
        );
        // Deregistered: a SetEvent reaches nothing.
        poll.registry().deregister(&mut &event).unwrap();
        set(&dup);
        assert_eq!(tokens(&mut poll, Duration::from_millis(50)), []);
    }

    #[test]
    fn a_set_event_outside_wakepoll_wakes_a_blocked_wait_context() {
        let event = Event::new().unwrap();
        let dup = duplicate(&event);
        let ctx = WaitContext::new().unwrap();
        ctx.add(&event, Token(3)).unwrap();
        // A set made before the wait starts is seen by its first look (level-triggered); one
        // made while it blocks only through the thread-pool wait. The barrier puts the set
        // as close to the wait's start as it gets, so that most rounds take the second path.
        for round in 0..5 {
            let ready = std::sync::Barrier::new(2);
            let got = std::thread::scope(|s| {
                let waiting = s.spawn(|| {
                    ready.wait();
                    ctx.wait_timeout(GENEROUS).unwrap()
                });
                ready.wait();
                set(&dup);
                waiting.join().unwrap()
            });
            assert_eq!(got, [Token(3)], "round {round}");
            // Level-triggered: still reported until consumed.
            assert_eq!(ctx.wait_timeout(Duration::ZERO).unwrap(), [Token(3)]);
            event.reset().unwrap();
            assert_eq!(ctx.wait_timeout(Duration::ZERO).unwrap(), []);
        }
    }

    #[test]
    fn an_inherited_handle_lets_a_childs_poll_see_the_parents_signal() {
        let ping = Event::new().unwrap();
        let answer = Event::new().unwrap();
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_role", "--nocapture", "--test-threads=1"])
            .env("WAKEPOLL_CHILD_ROLE", "poll-then-answer")
            .env(
                "WAKEPOLL_CHILD_PING",
                ping.inheritable_descriptor().unwrap().to_string(),
            )
            .env(
                "WAKEPOLL_CHILD_ANSWER",
                answer.inheritable_descriptor().unwrap().to_string(),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        // The child's Poll watches `ping` once it says so.
        assert_eq!(
            answer.wait_timeout(GENEROUS).unwrap(),
            EventWaitResult::Signaled,
            "the child never became ready"
        );
        ping.signal().unwrap();
        assert_eq!(
            answer.wait_timeout(GENEROUS).unwrap(),
            EventWaitResult::Signaled,
            "the child's Poll did not see the signal"
        );
        assert!(child.wait().unwrap().success());
        assert_eq!(
            ping.wait_timeout(Duration::ZERO).unwrap(),
            EventWaitResult::TimedOut,
            "the child consumed it"
        );
    }

    #[test]
    fn a_bad_handle_is_an_error() {
        for bad in [0i64, -5, 0x7fff_fff0] {
            // SAFETY: the check fails, so nothing is adopted or closed.
            assert!(unsafe { Event::from_raw_descriptor(bad) }.is_err(), "{bad}");
        }
    }
}
