//! kqueue: edge-triggered readiness on macOS and FreeBSD (level-triggered for a `WaitContext`).
//!
//! Adapted in part from mio 1.2.5's `sys/unix/selector/kqueue.rs` (MIT, Copyright (c) 2014
//! Carl Lerche and other MIO contributors): the filters per interest, the event flags in
//! mio's meanings, and the `EPIPE` and `EINTR` cases of registration.
//!
//! Invariants:
//! * every registration is `EV_CLEAR` except an owned one asked for with `Trigger::Level`
//!   (a `WaitContext`'s); the token travels in `kevent.udata`. Readable and writable are two
//!   knotes of one fd (`EVFILT_READ`, `EVFILT_WRITE`), so one fd may give two events with the
//!   same token in one `select`, as in mio;
//! * the kqueue fd is close-on-exec and lives as long as the last `Registry` clone;
//! * fds that wakepoll registers for itself (`sync::Event`s, sockets, pipes) are listed in
//!   `owned`, and the raw-fd entry points refuse to touch them, as on epoll. A raw-fd call
//!   holds `owned` for reading across its `kevent`, so it cannot slip in between an owned
//!   registration's check and its change;
//! * kqueue has no "add, or fail if present" nor "change, or fail if absent": `EV_ADD` does
//!   both. epoll's `EEXIST`/`ENOENT` for raw fds are kept by `watched`, the raw fds registered
//!   here with their token and interests (a hash map: one entry per connection of a server).
//!   The kernel stays the judge of a registration that the map remembers but the kernel has
//!   dropped (the fd was closed without deregistering, which ends its knotes): `register`
//!   asks it before refusing (`EV_ENABLE` of the remembered knotes with the remembered token,
//!   which keeps token, interests and trigger of what is there and fails with `ENOENT` for
//!   what is not). One side effect, on that `EEXIST` path only: FreeBSD's `kqueue_register`
//!   re-runs the filter after any change of an existing knote, so a source that is still
//!   ready gets one more event queued. It reports a true readiness, of a registration that
//!   stays as it was; kqueue offers no way to ask about a knote without changing it, and
//!   asking is what lets a closed fd's number be registered again;
//!   `reregister` trusts the map (asking would cost a system call on a hot path): after such
//!   a close it registers the new fd of that number, as asked;
//! * every change list goes in with `EV_RECEIPT`, so each change reports its own error, and
//!   removing a filter that is not there (`ENOENT`) is not an error;
//! * deregistering is `EV_DELETE`, which drops the knote together with any event of it that is
//!   already queued: once `deregister` returns, no later `select` returns its token;
//! * Wakers are `EVFILT_USER` knotes, one ident per Waker, so a Poll may have several (see
//!   `waker/evfilt_user.rs`); every change to one passes its token again, because kqueue
//!   overwrites `udata` on every change of a knote.

use std::collections::HashMap;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Mutex, RwLock};
use std::time::Duration;
use std::{cmp, io, mem, ptr};

use crate::error;
use crate::sys::unix::{kq, syscall, timeout};
use crate::sys::Trigger;
use crate::{Interest, Token};

/// The system call that adds, changes and removes registrations.
pub(crate) const SELECTOR_CTL: &str = "kevent";

/// The most changes one registration makes: one per filter (read, write).
const MAX_CHANGES: usize = 2;

/// One readiness event as the kernel reports it: a `kevent`, wrapped so that it can be
/// `Send` and `Sync` as epoll's event is (the public `Event` and `Events` must not change
/// their auto traits from one platform to another).
#[repr(transparent)]
#[derive(Clone, Copy)]
pub(crate) struct Event(kq::kevent);

// SAFETY: `kq::kevent` is not `Send`/`Sync` only because `udata` is a raw pointer. wakepoll
// never dereferences it: it carries a token (an integer) in, and `event::token` reads it back
// as one.
unsafe impl Send for Event {}
// SAFETY: as above; through `&Event` the fields are only read.
unsafe impl Sync for Event {}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        event::debug_details(f, self)
    }
}

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

/// A kqueue instance.
#[derive(Debug)]
pub(crate) struct Selector {
    kq: OwnedFd,
    /// wakepoll's own fds, with the trigger they were registered with.
    owned: RwLock<HashMap<RawFd, Trigger>>,
    watched: Mutex<HashMap<RawFd, Watch>>,
}

/// A raw fd's registration, as `register`/`reregister` made it.
#[derive(Debug, Clone, Copy)]
struct Watch {
    token: Token,
    interests: Interest,
}

impl Selector {
    pub(crate) fn new() -> io::Result<Selector> {
        // SAFETY: kqueue takes no arguments.
        let kq = syscall!(kq::kqueue())?;
        // SAFETY: `kq` was just returned by kqueue and nothing else owns it.
        let kq = unsafe { OwnedFd::from_raw_fd(kq) };
        // kqueue has no CLOEXEC flag (a kqueue is not inherited by `fork` anyway, but its fd
        // number would be, dangling, across `exec`).
        // SAFETY: F_SETFD takes an integer; `kq` is open.
        syscall!(fcntl(kq.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC))?;
        Ok(Selector {
            kq,
            owned: RwLock::new(HashMap::new()),
            watched: Mutex::new(HashMap::new()),
        })
    }

    /// Waits for events once; `timeout` is exact (kqueue takes nanoseconds).
    pub(crate) fn select(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        let timeout = timeout.map(timeout::to_timespec);
        let timeout = timeout
            .as_ref()
            .map_or(ptr::null(), |t| t as *const kq::timespec);
        let max = cmp::min(events.capacity, events.buf.capacity());
        let max = cmp::min(max, kq::c_int::MAX as usize) as kq::c_int;
        events.buf.clear();
        if max == 0 {
            // kevent would return at once, and the caller's loop would spin until its
            // deadline; epoll_wait refuses a zero-size buffer with EINVAL, and so do we.
            return Err(error::with_message(
                "kevent",
                libc::EINVAL,
                "an Events of capacity 0 cannot receive events",
            ));
        }
        // SAFETY: no changes; the buffer has room for `max` events, the kernel writes at most
        // that many; `timeout` is null or points at a timespec that lives across the call.
        let n = syscall!(kq::kevent(
            self.kq.as_raw_fd(),
            ptr::null(),
            0,
            // `Event` is `repr(transparent)` over `kq::kevent`.
            events.buf.as_mut_ptr().cast::<kq::kevent>(),
            max,
            timeout,
        ))?;
        // SAFETY: kevent initialised the first `n` (≤ `max`) entries.
        unsafe { events.buf.set_len(n as usize) };
        Ok(())
    }

    #[cfg(test)]
    pub(crate) fn register(&self, fd: RawFd, token: Token, interests: Interest) -> io::Result<()> {
        self.register_triggered(fd, token, interests, Trigger::Edge)
    }

    /// [`register`](Self::register) with a trigger: level for a `WaitContext`'s raw fds.
    pub(crate) fn register_triggered(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        let _owned = self.refuse_owned(fd, libc::EEXIST, "already registered")?;
        let mut watched = self.watched.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&watch) = watched.get(&fd) {
            if self.still_watched(fd, watch)? {
                return Err(error::with_message(
                    SELECTOR_CTL,
                    libc::EEXIST,
                    "already registered",
                ));
            }
            watched.remove(&fd);
        }
        self.add(fd, token, interests, trigger)?;
        watched.insert(fd, Watch { token, interests });
        Ok(())
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

    /// [`reregister`](Self::reregister) with a trigger.
    pub(crate) fn reregister_triggered(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        let _owned = self.refuse_owned(fd, libc::ENOENT, "not registered")?;
        let mut watched = self.watched.lock().unwrap_or_else(|e| e.into_inner());
        if !watched.contains_key(&fd) {
            return Err(not_registered(fd));
        }
        self.ctl(fd, token, interests, trigger)?;
        watched.insert(fd, Watch { token, interests });
        Ok(())
    }

    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        let _owned = self.refuse_owned(fd, libc::ENOENT, "not registered")?;
        let mut watched = self.watched.lock().unwrap_or_else(|e| e.into_inner());
        if watched.remove(&fd).is_none() {
            return Err(not_registered(fd));
        }
        self.delete(fd)
    }

    /// Registers an fd that wakepoll itself owns (a `sync::Event`, a socket, a pipe), which
    /// the raw-fd calls above must not be able to reach.
    pub(crate) fn register_owned(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        let mut owned = self.owned.write().unwrap_or_else(|e| e.into_inner());
        // epoll refuses an fd it already watches; `EV_ADD` would silently take over the
        // raw-fd registration of the same number instead.
        if self
            .watched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&fd)
        {
            return Err(error::with_message(
                SELECTOR_CTL,
                libc::EEXIST,
                "already registered",
            ));
        }
        self.add(fd, token, interests, trigger)?;
        owned.insert(fd, trigger);
        Ok(())
    }

    /// Replaces token, interests and trigger of an fd registered with
    /// [`register_owned`](Self::register_owned).
    ///
    /// A knote keeps the `EV_CLEAR` it was created with: `EV_ADD` of an existing knote changes
    /// its udata, not its flags (FreeBSD's `kqueue_register`; libkqueue alike). So a new
    /// trigger replaces the knotes (delete, then add, which reports a source that is still
    /// ready); the same trigger is one `EV_ADD`, as before.
    pub(crate) fn reregister_owned(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        let owned = self.owned.read().unwrap_or_else(|e| e.into_inner());
        if owned.get(&fd).is_none_or(|&was| was == trigger) {
            return self.ctl(fd, token, interests, trigger);
        }
        drop(owned);
        let mut owned = self.owned.write().unwrap_or_else(|e| e.into_inner());
        self.delete(fd)?;
        self.add(fd, token, interests, trigger)?;
        owned.insert(fd, trigger);
        Ok(())
    }

    /// Undoes [`register_owned`](Self::register_owned); call before closing `fd`.
    pub(crate) fn deregister_owned(&self, fd: RawFd) -> io::Result<()> {
        let mut owned = self.owned.write().unwrap_or_else(|e| e.into_inner());
        owned.remove(&fd);
        self.delete(fd)
    }

    /// Nothing to do: kqueue reports edges itself (`REARMS_AFTER_WOULD_BLOCK` is false, so
    /// this is never called); here so that every backend has the same interface.
    pub(crate) fn rearm_owned(&self, _fd: RawFd) -> io::Result<()> {
        Ok(())
    }

    /// Adds the user event `ident` (a Waker's), edge-triggered, reporting `token`.
    pub(crate) fn register_waker(&self, ident: usize, token: Token) -> io::Result<()> {
        let mut changes = [change(
            ident,
            kq::EVFILT_USER,
            kq::EV_ADD | kq::EV_CLEAR,
            token,
        )];
        self.submit(&mut changes)
    }

    /// Triggers the user event `ident`: one `kevent`, no lock, no allocation. Triggers before
    /// the event is collected coalesce into one event (`EV_CLEAR`).
    pub(crate) fn wake(&self, ident: usize, token: Token) -> io::Result<()> {
        // `token` again: a change to a knote replaces its udata.
        let mut trigger = change(ident, kq::EVFILT_USER, 0, token);
        trigger.fflags = kq::NOTE_TRIGGER;
        // SAFETY: one change that lives across the call; no event buffer.
        match syscall!(kq::kevent(
            self.kq.as_raw_fd(),
            &trigger,
            1,
            ptr::null_mut(),
            0,
            ptr::null()
        )) {
            Ok(_) => Ok(()),
            // "When kevent() call fails with EINTR error, all changes in the changelist have
            // been applied" (FreeBSD's kevent(2)), as mio relies on too.
            Err(err) if err.kind() == io::ErrorKind::Interrupted => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// Removes the user event `ident`, and any wake of it not yet collected.
    pub(crate) fn deregister_waker(&self, ident: usize) -> io::Result<()> {
        let mut changes = [change(ident, kq::EVFILT_USER, kq::EV_DELETE, Token(0))];
        self.submit(&mut changes)
    }

    /// Fails with `errno` and `message` if `fd` is one of wakepoll's own; otherwise holds the
    /// owned list for reading until the caller's change is made.
    fn refuse_owned(
        &self,
        fd: RawFd,
        errno: i32,
        message: &'static str,
    ) -> io::Result<std::sync::RwLockReadGuard<'_, HashMap<RawFd, Trigger>>> {
        let owned = self.owned.read().unwrap_or_else(|e| e.into_inner());
        if owned.contains_key(&fd) {
            return Err(error::with_message(SELECTOR_CTL, errno, message));
        }
        Ok(owned)
    }

    /// Whether the kernel still has the knotes `watch` describes (`EV_ENABLE`, with the same
    /// token, keeps a knote that is there as it was: wakepoll never disables one; but see the
    /// module's invariants: a still-ready source may report once more).
    fn still_watched(&self, fd: RawFd, watch: Watch) -> io::Result<bool> {
        let wanted = interests_to_kqueue(watch.interests)?;
        let mut changes = [empty(); MAX_CHANGES];
        let mut n = 0;
        for (filter, on) in [
            (kq::EVFILT_READ, wanted.read),
            (kq::EVFILT_WRITE, wanted.write),
        ] {
            if on {
                changes[n] = change(fd as usize, filter, kq::EV_ENABLE, watch.token);
                n += 1;
            }
        }
        if n == 0 {
            // AIO/LIO only: no knote of its own to ask about; trust the record.
            return Ok(true);
        }
        let mut receipts = [empty(); MAX_CHANGES];
        let got = self.receipts(&mut changes[..n], &mut receipts)?;
        // Closing the fd ends its knotes (`ENOENT`); a number not open at all is `EBADF`.
        Ok(receipts[..got]
            .iter()
            .any(|r| !matches!(r.data as i32, libc::ENOENT | libc::EBADF)))
    }

    /// [`ctl`](Self::ctl) for an fd that has no knote here yet: if one filter is refused
    /// (`EVFILT_WRITE` of a kqueue fd, say), the other one is not left behind, reporting a
    /// token the caller was told is not registered.
    fn add(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        self.ctl(fd, token, interests, trigger).inspect_err(|_| {
            let _ = self.delete(fd);
        })
    }

    /// Sets `fd`'s filters to `interests` with `trigger`: adds (or changes) the wanted ones,
    /// deletes the others.
    fn ctl(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        let wanted = interests_to_kqueue(interests)?;
        let add = kq::EV_ADD
            | match trigger {
                Trigger::Edge => kq::EV_CLEAR,
                Trigger::Level => 0,
            };
        let flags = |on: bool| if on { add } else { kq::EV_DELETE };
        let mut changes = [
            change(fd as usize, kq::EVFILT_READ, flags(wanted.read), token),
            change(fd as usize, kq::EVFILT_WRITE, flags(wanted.write), token),
        ];
        self.submit(&mut changes)
    }

    /// Deletes both of `fd`'s filters (a missing one is fine), and their queued events.
    fn delete(&self, fd: RawFd) -> io::Result<()> {
        let mut changes = [
            change(fd as usize, kq::EVFILT_READ, kq::EV_DELETE, Token(0)),
            change(fd as usize, kq::EVFILT_WRITE, kq::EV_DELETE, Token(0)),
        ];
        self.submit(&mut changes)
    }

    /// Applies `changes` and returns the first error one of them reports, except `ENOENT` for
    /// a delete (the filter was not there: the goal is met) and `EPIPE` for an add.
    fn submit(&self, changes: &mut [kq::kevent]) -> io::Result<()> {
        let mut receipts = [empty(); MAX_CHANGES];
        let got = self.receipts(changes, &mut receipts)?;
        for receipt in &receipts[..got] {
            let errno = receipt.data as i32;
            if errno == 0 {
                continue;
            }
            let deleting = changes
                .iter()
                .find(|c| c.ident == receipt.ident && c.filter == receipt.filter)
                .is_some_and(|c| c.flags & kq::EV_DELETE != 0);
            // Older macOS (10.10, 10.11) fails to add a pipe end whose other end is closed
            // with EPIPE, yet reports its events afterwards (tokio-rs/mio#582): not an error.
            if (deleting && errno == libc::ENOENT) || (!deleting && errno == libc::EPIPE) {
                continue;
            }
            return Err(error::from_errno(SELECTOR_CTL, errno));
        }
        Ok(())
    }

    /// Submits `changes` (at most [`MAX_CHANGES`]) with `EV_RECEIPT`, so that each one
    /// reports its own outcome in a receipt (`data`: its errno, or 0) instead of the first
    /// failure ending the call; returns how many receipts came. Never waits: the receipts
    /// fill the event buffer, and the timeout is zero.
    fn receipts(
        &self,
        changes: &mut [kq::kevent],
        receipts: &mut [kq::kevent; MAX_CHANGES],
    ) -> io::Result<usize> {
        debug_assert!(changes.len() <= MAX_CHANGES, "{} changes", changes.len());
        let n = changes.len().min(MAX_CHANGES);
        for change in &mut changes[..n] {
            change.flags |= kq::EV_RECEIPT;
        }
        let zero = timeout::to_timespec(Duration::ZERO);
        // SAFETY: the first `n` entries of `changes` are read, at most `n` receipts are
        // written into `receipts` (which has room for MAX_CHANGES ≥ n); `zero` lives across
        // the call.
        let got = syscall!(kq::kevent(
            self.kq.as_raw_fd(),
            changes.as_ptr(),
            n as kq::c_int,
            receipts.as_mut_ptr(),
            n as kq::c_int,
            &zero,
        ))?;
        Ok(got as usize)
    }
}

impl AsRawFd for Selector {
    fn as_raw_fd(&self) -> RawFd {
        self.kq.as_raw_fd()
    }
}

/// `ENOENT` for an fd the map does not know, but `EBADF` for one that is not open at all, as
/// epoll_ctl checks the fd first (one `fcntl`, on the error path only).
fn not_registered(fd: RawFd) -> io::Error {
    // SAFETY: F_GETFD only reads the fd's flags; any number may be asked about.
    if let Err(err) = syscall!(fcntl(fd, libc::F_GETFD)) {
        if error::errno(&err) == Some(libc::EBADF) {
            return error::from_errno(SELECTOR_CTL, libc::EBADF);
        }
    }
    error::with_message(SELECTOR_CTL, libc::ENOENT, "not registered")
}

/// A `kevent` change for `(ident, filter)` carrying `token`.
fn change(ident: usize, filter: i16, flags: u16, token: Token) -> kq::kevent {
    kq::kevent {
        ident: ident as kq::uintptr_t,
        filter,
        flags,
        udata: token.0 as *mut kq::c_void,
        ..empty()
    }
}

/// An all-zero `kevent`.
fn empty() -> kq::kevent {
    // SAFETY: kevent is a plain C struct (integers and a pointer); all zeroes is a valid value.
    unsafe { mem::zeroed() }
}

/// The filters an interest asks for.
struct Filters {
    read: bool,
    write: bool,
}

fn interests_to_kqueue(interests: Interest) -> io::Result<Filters> {
    if interests.is_priority() {
        return Err(error::with_message(
            SELECTOR_CTL,
            libc::ENOTSUP,
            "the PRIORITY interest is only supported on Linux and Android",
        ));
    }
    // AIO and LIO completions need no filter of the fd: the `aiocb` names the kqueue
    // (`SIGEV_KEVENT`) and the token (`sigev_value`), and the event comes with `EVFILT_AIO` or
    // `EVFILT_LIO`. Elsewhere there is no such thing.
    #[cfg(not(target_os = "freebsd"))]
    if interests.is_aio() || interests.is_lio() {
        return Err(error::with_message(
            SELECTOR_CTL,
            libc::ENOTSUP,
            "AIO and LIO interests are only supported on FreeBSD",
        ));
    }
    Ok(Filters {
        read: interests.is_readable(),
        write: interests.is_writable(),
    })
}

/// Accessors for [`Event`], in mio's meanings.
pub(crate) mod event {
    use std::fmt;

    use crate::sys::unix::kq;

    use super::Event;
    use crate::Token;

    pub(crate) fn token(event: &Event) -> Token {
        Token(event.0.udata as usize)
    }

    pub(crate) fn is_readable(event: &Event) -> bool {
        // A Waker's user event reads as readable, as its eventfd does on Linux.
        event.0.filter == kq::EVFILT_READ || event.0.filter == kq::EVFILT_USER
    }

    pub(crate) fn is_writable(event: &Event) -> bool {
        event.0.filter == kq::EVFILT_WRITE
    }

    pub(crate) fn is_error(event: &Event) -> bool {
        // At end of file, `fflags` holds the socket's error, if there is one.
        event.0.flags & kq::EV_ERROR != 0
            || (event.0.flags & kq::EV_EOF != 0 && event.0.fflags != 0)
    }

    pub(crate) fn is_read_closed(event: &Event) -> bool {
        event.0.filter == kq::EVFILT_READ && event.0.flags & kq::EV_EOF != 0
    }

    pub(crate) fn is_write_closed(event: &Event) -> bool {
        event.0.filter == kq::EVFILT_WRITE && event.0.flags & kq::EV_EOF != 0
    }

    pub(crate) fn is_priority(_: &Event) -> bool {
        // kqueue has no priority filter; the interest is refused at registration.
        false
    }

    #[cfg(target_os = "freebsd")]
    pub(crate) fn is_aio(event: &Event) -> bool {
        event.0.filter == kq::EVFILT_AIO
    }

    #[cfg(not(target_os = "freebsd"))]
    pub(crate) fn is_aio(_: &Event) -> bool {
        false
    }

    #[cfg(target_os = "freebsd")]
    pub(crate) fn is_lio(event: &Event) -> bool {
        event.0.filter == kq::EVFILT_LIO
    }

    #[cfg(not(target_os = "freebsd"))]
    pub(crate) fn is_lio(_: &Event) -> bool {
        false
    }

    pub(crate) fn debug_details(f: &mut fmt::Formatter<'_>, event: &Event) -> fmt::Result {
        let filters = [
            (kq::EVFILT_READ, "EVFILT_READ"),
            (kq::EVFILT_WRITE, "EVFILT_WRITE"),
            (kq::EVFILT_USER, "EVFILT_USER"),
            (kq::EVFILT_AIO, "EVFILT_AIO"),
            #[cfg(target_os = "freebsd")]
            (kq::EVFILT_LIO, "EVFILT_LIO"),
        ];
        let filter = filters
            .iter()
            .find(|(f, _)| *f == event.0.filter)
            .map_or("other", |(_, n)| *n);
        let flags = [
            (kq::EV_ADD, "EV_ADD"),
            (kq::EV_DELETE, "EV_DELETE"),
            (kq::EV_ENABLE, "EV_ENABLE"),
            (kq::EV_DISABLE, "EV_DISABLE"),
            (kq::EV_ONESHOT, "EV_ONESHOT"),
            (kq::EV_CLEAR, "EV_CLEAR"),
            (kq::EV_RECEIPT, "EV_RECEIPT"),
            (kq::EV_DISPATCH, "EV_DISPATCH"),
            (kq::EV_ERROR, "EV_ERROR"),
            (kq::EV_EOF, "EV_EOF"),
        ];
        let set: Vec<&str> = flags
            .iter()
            .filter(|(bit, _)| event.0.flags & bit != 0)
            .map(|(_, n)| *n)
            .collect();
        f.debug_struct("kevent")
            .field("ident", &{ event.0.ident })
            .field("filter", &filter)
            .field("flags", &set.join(" | "))
            .field("fflags", &{ event.0.fflags })
            .field("data", &{ event.0.data })
            .field("udata", &(event.0.udata as usize))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;
    use std::time::Duration;

    use super::{event, Events, Selector};
    use crate::sys::Trigger;
    use crate::{error, Interest, Token};

    fn code(err: std::io::Error) -> &'static str {
        error::sys_error(&err).map_or("not a SysError", |s| s.code())
    }

    fn tokens(selector: &Selector) -> Vec<Token> {
        let mut events = Events::with_capacity(8);
        selector.select(&mut events, Some(Duration::ZERO)).unwrap();
        events.as_slice().iter().map(event::token).collect()
    }

    #[test]
    #[cfg_attr(
        wakepoll_libkqueue,
        ignore = "libkqueue gap 3: an fd closed without deregistering leaves its knotes behind"
    )]
    fn an_fd_closed_without_deregistering_does_not_block_its_number() {
        let selector = Selector::new().unwrap();
        let (a, _b) = UnixStream::pair().unwrap();
        let fd = a.as_raw_fd();
        selector.register(fd, Token(1), Interest::READABLE).unwrap();
        assert_eq!(
            code(
                selector
                    .register(fd, Token(1), Interest::READABLE)
                    .unwrap_err()
            ),
            "EEXIST"
        );
        // Closing ends the knotes; the map still remembers the number.
        drop(a);
        let (c, mut d) = UnixStream::pair().unwrap();
        if c.as_raw_fd() != fd {
            return; // the number was not reused; nothing to show
        }
        selector.register(fd, Token(2), Interest::READABLE).unwrap();
        std::io::Write::write_all(&mut d, b"x").unwrap();
        assert_eq!(tokens(&selector), vec![Token(2)]);
    }

    #[test]
    #[cfg_attr(
        wakepoll_libkqueue,
        ignore = "libkqueue gap 2: it accepts EVFILT_WRITE on a kqueue fd (native: EINVAL)"
    )]
    fn a_refused_filter_leaves_no_other_behind() {
        let selector = Selector::new().unwrap();
        let other = Selector::new().unwrap();
        // A kqueue fd has a read filter but no write filter.
        let fd = other.as_raw_fd();
        assert!(selector
            .register(fd, Token(1), Interest::READABLE | Interest::WRITABLE)
            .is_err());
        assert_eq!(code(selector.deregister(fd).unwrap_err()), "ENOENT");
        assert!(tokens(&selector).is_empty());
    }

    #[test]
    fn level_triggered_reports_at_every_select_edge_triggered_once() {
        let selector = Selector::new().unwrap();
        let (a, mut b) = UnixStream::pair().unwrap();
        let (c, mut d) = UnixStream::pair().unwrap();
        selector
            .register_owned(a.as_raw_fd(), Token(1), Interest::READABLE, Trigger::Level)
            .unwrap();
        selector
            .register_owned(c.as_raw_fd(), Token(2), Interest::READABLE, Trigger::Edge)
            .unwrap();
        std::io::Write::write_all(&mut b, b"x").unwrap();
        std::io::Write::write_all(&mut d, b"x").unwrap();
        let mut first = tokens(&selector);
        first.sort();
        assert_eq!(first, vec![Token(1), Token(2)]);
        assert_eq!(tokens(&selector), vec![Token(1)]);
        selector.deregister_owned(a.as_raw_fd()).unwrap();
        selector.deregister_owned(c.as_raw_fd()).unwrap();
        assert!(tokens(&selector).is_empty());
    }

    #[test]
    fn reregister_owned_replaces_the_trigger() {
        let selector = Selector::new().unwrap();
        let (a, mut b) = UnixStream::pair().unwrap();
        let fd = a.as_raw_fd();
        selector
            .register_owned(fd, Token(1), Interest::READABLE, Trigger::Level)
            .unwrap();
        std::io::Write::write_all(&mut b, b"x").unwrap();
        assert_eq!(tokens(&selector), vec![Token(1)]);
        assert_eq!(tokens(&selector), vec![Token(1)], "level: again");
        // To edge: reported once more (still ready), then not until new readiness.
        selector
            .reregister_owned(fd, Token(2), Interest::READABLE, Trigger::Edge)
            .unwrap();
        assert_eq!(tokens(&selector), vec![Token(2)]);
        assert!(tokens(&selector).is_empty(), "edge: once");
        // And back to level.
        selector
            .reregister_owned(fd, Token(3), Interest::READABLE, Trigger::Level)
            .unwrap();
        assert_eq!(tokens(&selector), vec![Token(3)]);
        assert_eq!(tokens(&selector), vec![Token(3)], "level again: again");
        selector.deregister_owned(fd).unwrap();
    }

    #[test]
    fn a_raw_registration_of_the_number_blocks_an_owned_one() {
        let selector = Selector::new().unwrap();
        let (a, _b) = UnixStream::pair().unwrap();
        selector
            .register(a.as_raw_fd(), Token(1), Interest::READABLE)
            .unwrap();
        let err = selector
            .register_owned(a.as_raw_fd(), Token(2), Interest::READABLE, Trigger::Edge)
            .unwrap_err();
        assert_eq!(code(err), "EEXIST");
    }

    #[test]
    fn an_fd_that_is_not_open_is_ebadf_not_enoent() {
        let selector = Selector::new().unwrap();
        let fd = libc::c_int::MAX;
        let err = selector.reregister(fd, Token(1), Interest::READABLE);
        assert_eq!(code(err.unwrap_err()), "EBADF");
        assert_eq!(code(selector.deregister(fd).unwrap_err()), "EBADF");
    }

    #[test]
    fn a_zero_capacity_buffer_is_refused_not_spun_on() {
        let selector = Selector::new().unwrap();
        let mut events = Events::with_capacity(0);
        let err = selector.select(&mut events, None).unwrap_err();
        assert_eq!(code(err), "EINVAL");
    }
}
