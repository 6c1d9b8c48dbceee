//! epoll: edge-triggered readiness on Linux and Android (level-triggered for a `WaitContext`).
//!
//! Invariants:
//! * every registration is `EPOLLET` except an owned one asked for with `Trigger::Level`
//!   (a `WaitContext`'s); the token travels in `epoll_event.u64`;
//! * the epoll fd is close-on-exec and lives as long as the last `Registry` clone;
//! * fds that wakepoll registers for itself (wakers, `sync::Event`s, sockets, pipes) are
//!   listed in `owned`, and the raw-fd entry points refuse to touch them: a stale fd number in
//!   user code can never silently deregister or retarget one of them, nor put the source's
//!   registration record out of step with epoll. Every raw-fd call consults the list, so it
//!   is a lock-free bitmap (`OwnedFds`): one load to answer, no hashing, no lock.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;
use std::{cmp, io};

use crate::error;
use crate::sys::unix::{syscall, timeout, OwnedFds};
use crate::sys::Trigger;
use crate::{Interest, Token};

/// The system call that adds, changes and removes registrations.
pub(crate) const SELECTOR_CTL: &str = "epoll_ctl";

/// One readiness event as the kernel reports it.
pub(crate) type Event = libc::epoll_event;

/// The buffer `select` fills: at most `capacity` events.
pub(crate) struct Events {
    buf: Vec<Event>,
    capacity: usize,
}

impl Events {
    pub(crate) fn with_capacity(capacity: usize) -> Events {
        Events {
            buf: Vec::with_capacity(capacity),
            capacity,
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn as_slice(&self) -> &[Event] {
        &self.buf
    }

    pub(crate) fn clear(&mut self) {
        self.buf.clear();
    }
}

/// An epoll instance.
#[derive(Debug)]
pub(crate) struct Selector {
    ep: OwnedFd,
    owned: OwnedFds,
}

impl Selector {
    pub(crate) fn new() -> io::Result<Selector> {
        // SAFETY: epoll_create1 takes only flags.
        let ep = syscall!(epoll_create1(libc::EPOLL_CLOEXEC))?;
        Ok(Selector {
            // SAFETY: `ep` was just returned by epoll_create1 and nothing else owns it.
            ep: unsafe { OwnedFd::from_raw_fd(ep) },
            owned: OwnedFds::new(),
        })
    }

    /// Waits for events once; `timeout` is rounded up to whole milliseconds.
    #[inline]
    pub(crate) fn select(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        let timeout_ms = timeout::to_ms(timeout);
        let max = cmp::min(events.capacity, events.buf.capacity());
        let max = cmp::min(max, libc::c_int::MAX as usize) as libc::c_int;
        events.buf.clear();
        // SAFETY: the buffer has room for `max` events, the kernel writes at most that many.
        let n = syscall!(epoll_wait(
            self.ep.as_raw_fd(),
            events.buf.as_mut_ptr(),
            max,
            timeout_ms,
        ))?;
        // SAFETY: epoll_wait initialised the first `n` (≤ `max`) entries.
        unsafe { events.buf.set_len(n as usize) };
        Ok(())
    }

    #[cfg(test)]
    pub(crate) fn register(&self, fd: RawFd, token: Token, interests: Interest) -> io::Result<()> {
        self.register_triggered(fd, token, interests, Trigger::Edge)
    }

    #[cfg(test)]
    pub(crate) fn reregister(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.reregister_triggered(fd, token, interests, Trigger::Edge)
    }

    /// [`register`](Self::register) with a trigger: level for a `WaitContext`'s raw fds.
    pub(crate) fn register_triggered(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        self.refuse_owned(fd, libc::EEXIST, "already registered")?;
        self.ctl(libc::EPOLL_CTL_ADD, fd, token, interests, trigger)
    }

    /// [`reregister`](Self::reregister) with a trigger.
    pub(crate) fn reregister_triggered(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        self.refuse_owned(fd, libc::ENOENT, "not registered")?;
        self.ctl(libc::EPOLL_CTL_MOD, fd, token, interests, trigger)
    }

    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        self.refuse_owned(fd, libc::ENOENT, "not registered")?;
        // SAFETY: a null event is allowed for EPOLL_CTL_DEL since Linux 2.6.9.
        syscall!(epoll_ctl(
            self.ep.as_raw_fd(),
            libc::EPOLL_CTL_DEL,
            fd,
            std::ptr::null_mut()
        ))
        .map(drop)
        .map_err(|e| describe_ctl_error(e, libc::EPOLL_CTL_DEL))
    }

    /// Registers an fd that wakepoll itself owns (a waker, a `sync::Event`, a socket, a
    /// pipe), which the raw-fd calls above must not be able to reach.
    pub(crate) fn register_owned(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        // Listed before it is added, so that no raw-fd call can reach it once it is in epoll.
        self.owned.insert(fd);
        let added = self.ctl(libc::EPOLL_CTL_ADD, fd, token, interests, trigger);
        if added.is_err() {
            self.owned.remove(fd);
        }
        added
    }

    /// Replaces token, interests and trigger of an fd registered with
    /// [`register_owned`](Self::register_owned).
    pub(crate) fn reregister_owned(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_MOD, fd, token, interests, trigger)
    }

    /// Undoes [`register_owned`](Self::register_owned); call before closing `fd`.
    pub(crate) fn deregister_owned(&self, fd: RawFd) -> io::Result<()> {
        // SAFETY: a null event is allowed for EPOLL_CTL_DEL since Linux 2.6.9.
        let removed = syscall!(epoll_ctl(
            self.ep.as_raw_fd(),
            libc::EPOLL_CTL_DEL,
            fd,
            std::ptr::null_mut()
        ))
        .map(drop);
        // Unlisted only once it has left epoll: no raw-fd call can reach it in between.
        self.owned.remove(fd);
        removed
    }

    /// Nothing to do: epoll reports edges itself (`REARMS_AFTER_WOULD_BLOCK` is false, so
    /// this is never called); here so that every backend has the same interface.
    pub(crate) fn rearm_owned(&self, _fd: RawFd) -> io::Result<()> {
        Ok(())
    }

    #[inline]
    fn refuse_owned(&self, fd: RawFd, errno: i32, message: &'static str) -> io::Result<()> {
        if self.owned.contains(fd) {
            return Err(error::with_message("epoll_ctl", errno, message));
        }
        Ok(())
    }

    fn ctl(
        &self,
        op: libc::c_int,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        let flags = interests_to_epoll(interests, trigger)?;
        let mut event = libc::epoll_event {
            events: flags,
            u64: token.0 as u64,
        };
        // SAFETY: `event` is a valid epoll_event that lives across the call.
        syscall!(epoll_ctl(self.ep.as_raw_fd(), op, fd, &mut event))
            .map(drop)
            .map_err(|e| describe_ctl_error(e, op))
    }
}

impl AsRawFd for Selector {
    fn as_raw_fd(&self) -> RawFd {
        self.ep.as_raw_fd()
    }
}

/// Gives `EEXIST`/`ENOENT` from epoll_ctl the wording of the contract.
fn describe_ctl_error(err: io::Error, op: libc::c_int) -> io::Error {
    match (error::errno(&err), op) {
        (Some(libc::EEXIST), _) => {
            error::with_message("epoll_ctl", libc::EEXIST, "already registered")
        }
        (Some(libc::ENOENT), _) => error::with_message("epoll_ctl", libc::ENOENT, "not registered"),
        _ => err,
    }
}

fn interests_to_epoll(interests: Interest, trigger: Trigger) -> io::Result<u32> {
    if interests.is_aio() || interests.is_lio() {
        return Err(error::with_message(
            "epoll_ctl",
            libc::ENOTSUP,
            "AIO and LIO interests are only supported on FreeBSD",
        ));
    }
    let mut kind = match trigger {
        Trigger::Edge => libc::EPOLLET,
        Trigger::Level => 0,
    };
    if interests.is_readable() {
        kind |= libc::EPOLLIN | libc::EPOLLRDHUP;
    }
    if interests.is_writable() {
        kind |= libc::EPOLLOUT;
    }
    if interests.is_priority() {
        kind |= libc::EPOLLPRI;
    }
    Ok(kind as u32)
}

/// Accessors for [`Event`], in mio's meanings.
pub(crate) mod event {
    use std::fmt;

    use super::Event;
    use crate::Token;

    pub(crate) fn token(event: &Event) -> Token {
        Token(event.u64 as usize)
    }

    pub(crate) fn is_readable(event: &Event) -> bool {
        event.events as libc::c_int & (libc::EPOLLIN | libc::EPOLLPRI) != 0
    }

    pub(crate) fn is_writable(event: &Event) -> bool {
        event.events as libc::c_int & libc::EPOLLOUT != 0
    }

    pub(crate) fn is_error(event: &Event) -> bool {
        event.events as libc::c_int & libc::EPOLLERR != 0
    }

    pub(crate) fn is_read_closed(event: &Event) -> bool {
        let e = event.events as libc::c_int;
        // Both halves of the socket have closed, or the peer shut its write half.
        e & libc::EPOLLHUP != 0 || (e & libc::EPOLLIN != 0 && e & libc::EPOLLRDHUP != 0)
    }

    pub(crate) fn is_write_closed(event: &Event) -> bool {
        let e = event.events as libc::c_int;
        // Both halves closed; or a write-side error; or, for a pipe's write end, the
        // reader went away (reported as EPOLLERR alone).
        e & libc::EPOLLHUP != 0
            || (e & libc::EPOLLOUT != 0 && e & libc::EPOLLERR != 0)
            || e == libc::EPOLLERR
    }

    pub(crate) fn is_priority(event: &Event) -> bool {
        event.events as libc::c_int & libc::EPOLLPRI != 0
    }

    pub(crate) fn is_aio(_: &Event) -> bool {
        false
    }

    pub(crate) fn is_lio(_: &Event) -> bool {
        false
    }

    pub(crate) fn debug_details(f: &mut fmt::Formatter<'_>, event: &Event) -> fmt::Result {
        let e = event.events as libc::c_int;
        let names = [
            (libc::EPOLLIN, "EPOLLIN"),
            (libc::EPOLLPRI, "EPOLLPRI"),
            (libc::EPOLLOUT, "EPOLLOUT"),
            (libc::EPOLLERR, "EPOLLERR"),
            (libc::EPOLLHUP, "EPOLLHUP"),
            (libc::EPOLLRDHUP, "EPOLLRDHUP"),
        ];
        let set: Vec<&str> = names
            .iter()
            .filter(|(bit, _)| e & bit != 0)
            .map(|(_, n)| *n)
            .collect();
        f.debug_struct("epoll_event")
            .field("events", &set.join(" | "))
            .field("u64", &{ event.u64 })
            .finish()
    }
}
