//! The IOCP selector: a completion port, AFD polls for sockets, and posted completions for
//! Wakers and `sync::Event`s.
//!
//! The shape of `select` and of the update queue is adapted from mio 1.2.5's
//! `sys/windows/selector.rs` (MIT, Copyright (c) 2014 Carl Lerche and other MIO contributors).
//!
//! Invariants:
//! * sockets are registered only through the owned-source calls (there is no `SourceFd` on
//!   Windows); `owned` maps each registered socket to its `SockState`, so that a reregister,
//!   a re-arm after `WouldBlock` or a deregister finds it by handle;
//! * a registration's AFD poll is started lazily, from the update queue, just before the port
//!   is waited on — or at once when a thread is blocked in `select` (`polling`), so that a
//!   registration made during a blocking poll takes effect in it;
//! * lock order: `update_queue` before any `SockState`; `owned` and `wakeups` are never held
//!   while taking another lock;
//! * deregister guarantee: a deregistered socket's state is marked for deletion (its queued
//!   completion is dropped by `SockState::feed_event`), and a removed Wakeup's key is no
//!   longer mapped (its queued completion is dropped here);
//! * level-triggered registrations (only `sync::Event`s in a `WaitContext`) are checked
//!   synchronously at the start of every `select`, and their completions only wake it.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io;
use std::os::windows::io::RawSocket;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinSock::{
    getsockopt, WSAGetLastError, SOCKET, SOL_SOCKET, SO_TYPE,
};

use super::afd::{self, AfdGroup};
use super::iocp::{zero_status, CompletionPort, CompletionStatus};
use super::sock_state::{from_overlapped, SockRef, SockState};
use super::timeout;
use super::wakeup::Wakeup;
use crate::error;
use crate::sys::Trigger;
use crate::{Interest, Token};

/// What registration errors name: there is no one system call that registers on Windows; the
/// AFD poll is what a registration starts.
pub(crate) const SELECTOR_CTL: &str = "IOCTL_AFD_POLL";

/// The most completions one `select` dequeues (more wait for the next call): bounds the
/// scratch buffer whatever the capacity.
const MAX_STATUSES: usize = 1024;

/// One readiness event: AFD event bits (Wakers and Events report `POLL_RECEIVE`) and a token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    flags: u32,
    token: usize,
}

impl Event {
    pub(crate) fn new(flags: u32, token: usize) -> Event {
        Event { flags, token }
    }
}

/// The completions `GetQueuedCompletionStatusEx` fills, scratch space of one `select`.
struct Statuses(Box<[CompletionStatus]>);

// SAFETY: the entries are plain data between calls; their `OVERLAPPED` pointers are only
// turned back into `SockState`s inside `select`, by the thread that dequeued them.
unsafe impl Send for Statuses {}
// SAFETY: as above; a shared reference gives no access to the entries.
unsafe impl Sync for Statuses {}

/// The buffer `select` fills: at most `capacity` events.
pub(crate) struct Events {
    events: Vec<Event>,
    statuses: Statuses,
    capacity: usize,
}

impl Events {
    pub(crate) fn with_capacity(capacity: usize) -> Events {
        Events {
            events: Vec::with_capacity(capacity),
            statuses: Statuses(vec![zero_status(); capacity.min(MAX_STATUSES)].into_boxed_slice()),
            capacity,
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn as_slice(&self) -> &[Event] {
        &self.events
    }

    pub(crate) fn clear(&mut self) {
        self.events.clear();
    }
}

/// An I/O completion port with its AFD poll groups and registrations.
pub(crate) struct Selector {
    port: Arc<CompletionPort>,
    afd_group: AfdGroup,
    update_queue: Mutex<VecDeque<SockRef>>,
    /// Level-triggered raw sockets reported by a `select`: their next poll starts with the
    /// next `select` (or `wait_ready`), not within the one that reported them, which would
    /// report a still-ready socket twice.
    level_requeue: Mutex<Vec<SockRef>>,
    owned: Mutex<HashMap<RawSocket, SockRef>>,
    wakeups: RwLock<HashMap<usize, Arc<Wakeup>>>,
    /// How many of `wakeups` are level-triggered: a `Poll` (none) skips the scan.
    level: AtomicUsize,
    /// How many threads are in `select` (or `wait_ready`) now.
    polling: AtomicUsize,
    /// Completions `wait_ready` dequeued, fed to the next `select` before the port.
    stash: Mutex<Stash>,
}

/// Dequeued completions waiting for `select`.
struct Stash(Vec<CompletionStatus>);

// SAFETY: as for `Statuses`: plain data until `select` (holding the lock) feeds them, which
// turns each `OVERLAPPED` back into its `SockState` exactly once.
unsafe impl Send for Stash {}

impl Selector {
    pub(crate) fn new() -> io::Result<Selector> {
        let port = Arc::new(CompletionPort::new()?);
        Ok(Selector {
            afd_group: AfdGroup::new(Arc::clone(&port)),
            port,
            update_queue: Mutex::new(VecDeque::new()),
            level_requeue: Mutex::new(Vec::new()),
            owned: Mutex::new(HashMap::new()),
            wakeups: RwLock::new(HashMap::new()),
            level: AtomicUsize::new(0),
            polling: AtomicUsize::new(0),
            stash: Mutex::new(Stash(Vec::new())),
        })
    }

    /// The completion port's handle (for `AsRawHandle`).
    pub(crate) fn raw_handle(&self) -> windows_sys::Win32::Foundation::HANDLE {
        self.port.raw()
    }

    /// Waits for events once; `timeout` is rounded up to whole milliseconds.
    pub(crate) fn select(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        events.events.clear();
        if events.capacity == 0 {
            // As epoll_wait refuses maxevents 0: such a buffer could never be filled.
            return Err(error::with_message(
                "GetQueuedCompletionStatusEx",
                ERROR_INVALID_PARAMETER as i32,
                "an Events of capacity 0 cannot receive events",
            ));
        }
        self.requeue_level();
        if self.level.load(Ordering::Acquire) > 0 {
            self.collect_level(events);
        }
        // Completions `wait_ready` already dequeued come first.
        self.feed_stash(events);
        // Level-triggered or stashed events are ready now: collect the rest without waiting.
        let timeout_ms = if events.events.is_empty() {
            timeout::to_ms(timeout)
        } else {
            0
        };
        let room = (events.capacity - events.events.len()).min(events.statuses.0.len());
        if room == 0 {
            return Ok(());
        }
        let deadline = timeout.and_then(|t| std::time::Instant::now().checked_add(t));
        let mut timeout_ms = timeout_ms;
        // A bound on the rounds: each one follows completions that made no event.
        for _ in 0..8 {
            self.polling.fetch_add(1, Ordering::AcqRel);
            let result = self.update_sockets().and_then(|()| {
                self.port
                    .get_many(&mut events.statuses.0[..room], timeout_ms)
            });
            self.polling.fetch_sub(1, Ordering::AcqRel);
            let got = result?;
            let consumed = !got.is_empty();
            self.feed(got, &mut events.events);
            // Completions that made no event (a poll cancelled to ask for more, after a
            // reregister or a re-arm) queued their sockets for a new poll: start those and look
            // again, within the same timeout, so that a still-ready socket is reported by this
            // call (a zero-timeout poll right after a reregister included).
            if !consumed || !events.events.is_empty() || self.lock_queue().is_empty() {
                return Ok(());
            }
            timeout_ms = match deadline {
                Some(deadline) => timeout::to_ms(Some(
                    deadline.saturating_duration_since(std::time::Instant::now()),
                )),
                None if timeout.is_none() => timeout::to_ms(None),
                None => 0,
            };
        }
        Ok(())
    }

    /// Blocks until the port has completions (`true`) or `timeout` passes (`false`), without
    /// turning them into events: they wait in the stash for the next `select`, which applies
    /// the deregister guarantee to them as to any completion. For a thread that waits on
    /// behalf of a poller that is not polling (another loop's view of the selector).
    pub(crate) fn wait_ready(&self, timeout: Option<Duration>) -> io::Result<bool> {
        if !self.lock_stash().0.is_empty() {
            return Ok(true);
        }
        self.requeue_level();
        if self.level.load(Ordering::Acquire) > 0 {
            let wakeups = self.wakeups.read().unwrap_or_else(|e| e.into_inner());
            if wakeups
                .values()
                .any(|w| w.trigger() == Trigger::Level && w.is_signalled())
            {
                return Ok(true);
            }
        }
        let mut statuses = vec![zero_status(); 64];
        self.polling.fetch_add(1, Ordering::AcqRel);
        let result = self
            .update_sockets()
            .and_then(|()| self.port.get_many(&mut statuses, timeout::to_ms(timeout)));
        self.polling.fetch_sub(1, Ordering::AcqRel);
        let got = result?;
        if got.is_empty() {
            return Ok(false);
        }
        self.lock_stash().0.extend_from_slice(got);
        Ok(true)
    }

    /// Feeds stashed completions (`wait_ready`) into `events`, as many as fit.
    fn feed_stash(&self, events: &mut Events) {
        let mut stash = self.lock_stash();
        if stash.0.is_empty() {
            return;
        }
        let room = events.capacity - events.events.len();
        let n = room.min(stash.0.len());
        let taken: Vec<CompletionStatus> = stash.0.drain(..n).collect();
        drop(stash);
        self.feed(&taken, &mut events.events);
    }

    fn lock_stash(&self) -> MutexGuard<'_, Stash> {
        self.stash.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reports the level-triggered registrations that are signalled now.
    fn collect_level(&self, events: &mut Events) {
        let wakeups = self.wakeups.read().unwrap_or_else(|e| e.into_inner());
        for wakeup in wakeups.values() {
            if events.events.len() == events.capacity {
                return;
            }
            if wakeup.trigger() == Trigger::Level && wakeup.is_signalled() {
                events
                    .events
                    .push(Event::new(afd::POLL_RECEIVE, wakeup.token().0));
            }
        }
    }

    /// Turns dequeued completions into events.
    fn feed(&self, statuses: &[CompletionStatus], out: &mut Vec<Event>) {
        let mut queue = self.lock_queue();
        for status in statuses {
            if status.lpOverlapped.is_null() {
                let wakeups = self.wakeups.read().unwrap_or_else(|e| e.into_inner());
                // Not mapped: a dropped Waker or a deregistered Event; never reported.
                let Some(wakeup) = wakeups.get(&status.lpCompletionKey) else {
                    continue;
                };
                if !wakeup.take() {
                    continue;
                }
                let token = wakeup.token().0;
                if wakeup.trigger() == Trigger::Level && out.iter().any(|e| e.token == token) {
                    // Already reported by `collect_level`.
                    continue;
                }
                out.push(Event::new(afd::POLL_RECEIVE, token));
                continue;
            }
            // SAFETY: only AFD polls complete on this port with an OVERLAPPED, and theirs
            // comes from `into_overlapped`; each completion is dequeued once.
            let sock = unsafe { from_overlapped(status.lpOverlapped) };
            let mut state = lock(&sock);
            if let Some(event) = state.feed_event() {
                out.push(event);
            }
            let keep = !state.is_pending_deletion();
            let level = state.is_level();
            drop(state);
            if keep && level {
                // Asked again from the next select on (see `level_requeue`).
                self.level_requeue
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(sock);
            } else if keep {
                // Start the next poll before the next wait.
                queue.push_back(sock);
            }
        }
        drop(queue);
        self.afd_group.release_unused();
    }

    /// Starts (or replaces) the AFD polls of the queued sockets.
    fn update_sockets(&self) -> io::Result<()> {
        let mut queue = self.lock_queue();
        let mut first_error = None;
        for sock in queue.iter() {
            let mut state = lock(sock);
            if !state.is_pending_deletion() {
                if let Err(err) = state.update(sock) {
                    first_error.get_or_insert(err);
                }
            }
        }
        // Those that failed stay queued for the next try.
        queue.retain(|sock| lock(sock).failed());
        drop(queue);
        self.afd_group.release_unused();
        first_error.map_or(Ok(()), Err)
    }

    fn queue(&self, sock: SockRef) -> io::Result<()> {
        self.lock_queue().push_back(sock);
        if self.polling.load(Ordering::Acquire) > 0 {
            // A thread is blocked in the port: tell the kernel now, not at its next wait.
            self.update_sockets()?;
        }
        Ok(())
    }

    /// Queues the level-triggered sockets reported by earlier `select`s for a new poll.
    fn requeue_level(&self) {
        let level: Vec<SockRef> =
            std::mem::take(&mut *self.level_requeue.lock().unwrap_or_else(|e| e.into_inner()));
        if !level.is_empty() {
            self.lock_queue().extend(level);
        }
    }

    fn lock_queue(&self) -> MutexGuard<'_, VecDeque<SockRef>> {
        self.update_queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_owned(&self) -> MutexGuard<'_, HashMap<RawSocket, SockRef>> {
        self.owned.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The raw-handle calls (`event::SourceRaw`): a SOCKET the caller owns, watched through
    /// an AFD poll of its own. Level-triggered whatever the registry's trigger: the edges of
    /// wakepoll's own sockets are emulated by re-arming after their `WouldBlock`
    /// (`IoSource::do_io`), which a caller's own I/O never does, so an edge-triggered raw
    /// socket would report once and then go silent. A raw socket that is still ready is
    /// reported by every poll instead, which is also what a level-triggered registry
    /// (`WaitContext`) asks for.
    pub(crate) fn register_triggered(
        &self,
        socket: RawSocket,
        token: Token,
        interests: Interest,
        _: Trigger,
    ) -> io::Result<()> {
        check_raw(socket)?;
        self.register_socket(socket, token, interests, Trigger::Edge, true)
    }

    /// See [`register_triggered`](Selector::register_triggered).
    pub(crate) fn reregister_triggered(
        &self,
        socket: RawSocket,
        token: Token,
        interests: Interest,
        _: Trigger,
    ) -> io::Result<()> {
        check_raw(socket)?;
        self.reregister_owned(socket, token, interests, Trigger::Edge)
    }

    /// See [`register_triggered`](Selector::register_triggered).
    pub(crate) fn deregister(&self, socket: RawSocket) -> io::Result<()> {
        check_raw(socket)?;
        self.deregister_owned(socket)
    }

    /// Registers a socket wakepoll owns, edge-triggered.
    pub(crate) fn register_owned(
        &self,
        socket: RawSocket,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        self.register_socket(socket, token, interests, trigger, false)
    }

    fn register_socket(
        &self,
        socket: RawSocket,
        token: Token,
        interests: Interest,
        trigger: Trigger,
        level: bool,
    ) -> io::Result<()> {
        let flags = interests_to_afd(interests, trigger)?;
        let afd = self.afd_group.acquire()?;
        let sock: SockRef = Arc::pin(Mutex::new(SockState::new(socket, afd)?));
        {
            let mut state = lock(&sock);
            state.set_interests(flags, token.0);
            if level {
                state.set_level();
            }
        }
        {
            let mut owned = self.lock_owned();
            if owned.contains_key(&socket) {
                return Err(error::with_message(
                    SELECTOR_CTL,
                    super::EEXIST,
                    "already registered",
                ));
            }
            owned.insert(socket, sock.clone());
        }
        if let Err(err) = self.queue(sock.clone()) {
            self.lock_owned().remove(&socket);
            lock(&sock).mark_delete();
            return Err(err);
        }
        Ok(())
    }

    /// Replaces token and interests of a socket registered with `register_owned`; a socket
    /// that is still ready reports again.
    pub(crate) fn reregister_owned(
        &self,
        socket: RawSocket,
        token: Token,
        interests: Interest,
        trigger: Trigger,
    ) -> io::Result<()> {
        let flags = interests_to_afd(interests, trigger)?;
        let sock = self.find(socket)?;
        let changed = lock(&sock).set_interests(flags, token.0);
        if changed {
            self.queue(sock)?;
        }
        Ok(())
    }

    /// Undoes `register_owned`; call before closing the socket.
    pub(crate) fn deregister_owned(&self, socket: RawSocket) -> io::Result<()> {
        let sock = self
            .lock_owned()
            .remove(&socket)
            .ok_or_else(not_registered)?;
        lock(&sock).mark_delete();
        Ok(())
    }

    /// Asks again for the readiness an operation just found exhausted (`WouldBlock`).
    pub(crate) fn rearm_owned(&self, socket: RawSocket) -> io::Result<()> {
        let Ok(sock) = self.find(socket) else {
            return Ok(());
        };
        let needed = lock(&sock).rearm();
        if needed {
            self.queue(sock)?;
        }
        Ok(())
    }

    fn find(&self, socket: RawSocket) -> io::Result<SockRef> {
        self.lock_owned()
            .get(&socket)
            .cloned()
            .ok_or_else(not_registered)
    }

    /// A new posted-completion registration (a Waker, a `sync::Event`'s).
    pub(crate) fn add_wakeup(
        &self,
        token: Token,
        trigger: Trigger,
        signalled: Option<usize>,
    ) -> Arc<Wakeup> {
        let wakeup = Arc::new(Wakeup::new(&self.port, token, trigger, signalled));
        if trigger == Trigger::Level {
            self.level.fetch_add(1, Ordering::AcqRel);
        }
        self.wakeups
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(wakeup.key(), Arc::clone(&wakeup));
        wakeup
    }

    /// Ends a posted-completion registration: a completion of it still queued is dropped.
    pub(crate) fn remove_wakeup(&self, wakeup: &Wakeup) {
        let removed = self
            .wakeups
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&wakeup.key());
        if removed.is_some() && wakeup.trigger() == Trigger::Level {
            self.level.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Drop for Selector {
    fn drop(&mut self) {
        // Cancel every poll still pending, then take back the counts the kernel holds for the
        // completions already queued. A cancellation that completes later leaks its SockState
        // (memory, and the AFD handle it shares), never frees memory the kernel may write.
        for (_, sock) in self.lock_owned().drain() {
            lock(&sock).mark_delete();
        }
        let stashed = std::mem::take(&mut self.lock_stash().0);
        for status in stashed {
            if !status.lpOverlapped.is_null() {
                // SAFETY: as below: an AFD poll's OVERLAPPED, dequeued once (by `wait_ready`).
                drop(unsafe { from_overlapped(status.lpOverlapped) });
            }
        }
        let mut statuses = vec![zero_status(); 256];
        while let Ok(done) = self.port.get_many(&mut statuses, 0) {
            if done.is_empty() {
                break;
            }
            for status in done {
                if !status.lpOverlapped.is_null() {
                    // SAFETY: as in `feed`: an AFD poll's OVERLAPPED, dequeued once.
                    drop(unsafe { from_overlapped(status.lpOverlapped) });
                }
            }
        }
        self.afd_group.release_unused();
    }
}

impl fmt::Debug for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Selector")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

fn lock(sock: &SockRef) -> MutexGuard<'_, SockState> {
    // A poisoned SockState is still consistent: its fields change only between calls.
    sock.lock().unwrap_or_else(|e| e.into_inner())
}

/// A raw number that is no socket is `ENOTSOCK` from every raw call (not "not registered"),
/// reported as the failure of the selector's control call, as on the other platforms. Asked
/// with `getsockopt(SO_TYPE)`, which fails for any number that is not an open socket.
fn check_raw(socket: RawSocket) -> io::Result<()> {
    let mut kind: i32 = 0;
    let mut len = std::mem::size_of::<i32>() as i32;
    // SAFETY: the pointer and length describe `kind`; winsock writes at most `len` bytes, and
    // answers a number that is not an open socket with an error (WSAENOTSOCK).
    let rc = unsafe {
        getsockopt(
            socket as SOCKET,
            SOL_SOCKET,
            SO_TYPE,
            (&mut kind as *mut i32).cast(),
            &mut len,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    // SAFETY: WSAGetLastError only reads this thread's last winsock error.
    Err(error::from_errno(SELECTOR_CTL, unsafe {
        WSAGetLastError()
    }))
}

fn not_registered() -> io::Error {
    error::with_message(SELECTOR_CTL, super::ENOENT, "not registered")
}

fn interests_to_afd(interests: Interest, trigger: Trigger) -> io::Result<u32> {
    let unsupported = |message| {
        error::with_message(
            SELECTOR_CTL,
            windows_sys::Win32::Foundation::ERROR_NOT_SUPPORTED as i32,
            message,
        )
    };
    if interests.is_aio() || interests.is_lio() {
        return Err(unsupported(
            "AIO and LIO interests are only supported on FreeBSD",
        ));
    }
    if interests.is_priority() {
        return Err(unsupported(
            "PRIORITY interest is only supported on Linux and Android",
        ));
    }
    if trigger == Trigger::Level {
        return Err(unsupported("sockets are watched edge-triggered only"));
    }
    let mut flags = 0;
    if interests.is_readable() {
        flags |= event::READABLE_FLAGS | event::READ_CLOSED_FLAGS | event::ERROR_FLAGS;
    }
    if interests.is_writable() {
        flags |= event::WRITABLE_FLAGS | event::WRITE_CLOSED_FLAGS | event::ERROR_FLAGS;
    }
    Ok(flags)
}

/// Accessors for [`Event`], in mio's meanings (mio 1.2.5's `sys/windows/event.rs`).
pub(crate) mod event {
    use std::fmt;

    use super::afd;
    use super::Event;
    use crate::Token;

    pub(crate) const READABLE_FLAGS: u32 = afd::POLL_RECEIVE
        | afd::POLL_DISCONNECT
        | afd::POLL_ACCEPT
        | afd::POLL_ABORT
        | afd::POLL_CONNECT_FAIL;
    pub(crate) const WRITABLE_FLAGS: u32 =
        afd::POLL_SEND | afd::POLL_ABORT | afd::POLL_CONNECT_FAIL;
    pub(crate) const ERROR_FLAGS: u32 = afd::POLL_CONNECT_FAIL;
    pub(crate) const READ_CLOSED_FLAGS: u32 =
        afd::POLL_DISCONNECT | afd::POLL_ABORT | afd::POLL_CONNECT_FAIL;
    pub(crate) const WRITE_CLOSED_FLAGS: u32 = afd::POLL_ABORT | afd::POLL_CONNECT_FAIL;

    pub(crate) fn token(event: &Event) -> Token {
        Token(event.token)
    }

    pub(crate) fn is_readable(event: &Event) -> bool {
        event.flags & READABLE_FLAGS != 0
    }

    pub(crate) fn is_writable(event: &Event) -> bool {
        event.flags & WRITABLE_FLAGS != 0
    }

    pub(crate) fn is_error(event: &Event) -> bool {
        event.flags & ERROR_FLAGS != 0
    }

    pub(crate) fn is_read_closed(event: &Event) -> bool {
        event.flags & READ_CLOSED_FLAGS != 0
    }

    pub(crate) fn is_write_closed(event: &Event) -> bool {
        event.flags & WRITE_CLOSED_FLAGS != 0
    }

    pub(crate) fn is_priority(event: &Event) -> bool {
        event.flags & afd::POLL_RECEIVE_EXPEDITED != 0
    }

    pub(crate) fn is_aio(_: &Event) -> bool {
        false
    }

    pub(crate) fn is_lio(_: &Event) -> bool {
        false
    }

    pub(crate) fn debug_details(f: &mut fmt::Formatter<'_>, event: &Event) -> fmt::Result {
        let names = [
            (afd::POLL_RECEIVE, "AFD_POLL_RECEIVE"),
            (afd::POLL_RECEIVE_EXPEDITED, "AFD_POLL_RECEIVE_EXPEDITED"),
            (afd::POLL_SEND, "AFD_POLL_SEND"),
            (afd::POLL_DISCONNECT, "AFD_POLL_DISCONNECT"),
            (afd::POLL_ABORT, "AFD_POLL_ABORT"),
            (afd::POLL_LOCAL_CLOSE, "AFD_POLL_LOCAL_CLOSE"),
            (afd::POLL_CONNECT, "AFD_POLL_CONNECT"),
            (afd::POLL_ACCEPT, "AFD_POLL_ACCEPT"),
            (afd::POLL_CONNECT_FAIL, "AFD_POLL_CONNECT_FAIL"),
        ];
        let set: Vec<&str> = names
            .iter()
            .filter(|(bit, _)| event.flags & bit != 0)
            .map(|(_, n)| *n)
            .collect();
        f.debug_struct("afd_event")
            .field("flags", &set.join(" | "))
            .field("token", &event.token)
            .finish()
    }
}
