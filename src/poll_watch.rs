//! pollAsync's libuv handle on a Poll's selector, kept across waits.
//!
//! Where libuv can watch the selector (an epoll or kqueue fd), a `uv_poll_t` on it makes the
//! loop call [`on_ready`] on the Poll's thread when the selector has events. One such handle
//! serves every pollAsync of its Poll: it is made by the first pollAsync, on the Poll's owning
//! thread, and lives until the Poll is closed, its object is collected, or the thread ends. So a
//! wait costs no system call of its own: no `ioctl(FIONBIO)` of `uv_poll_init`, no
//! `epoll_ctl` ADD of a start or DEL of a stop or close, no allocation, no close callback.
//!
//! States. The handle serves at most one wait, its *client* (poll_async.rs's pending wait).
//! * A wait attaches: the handle is referenced (a pending pollAsync keeps the loop alive) and
//!   started if it is not.
//! * A wait ends: it detaches; the handle is unreferenced (an idle Poll keeps nothing alive) but
//!   stays started, so that the next wait, usually made in the same turn, starts nothing.
//! * The selector becomes readable with no client: nothing collects its events, and libuv
//!   watches level-triggered, so the handle is stopped now; the next wait starts it again.
//! * A blocking `poll` is about to register the loop fd in the selector (thread_stop.rs): the
//!   handle is stopped first ([`SelectorWatch::stop`]), as two epoll instances may not contain
//!   each other (ELOOP). `uv_poll_stop` removes the fd from libuv's epoll at once.
//!
//! Lifetime. The handle and its state live in one heap block ([`Watch`]), freed only in the
//! handle's close callback. The Poll holds it ([`PollShared::watch`]) as a [`SelectorWatch`] and
//! closes it exactly once (`closing`): at `close()` (before the selector's fd closes), when the
//! Poll object is collected (poll_release, on the owning thread), or at the thread's teardown —
//! either by the handle's own async cleanup hook ([`on_teardown`], which keeps Node's loop
//! running until the close callback has run, so that Node never closes the loop with the handle
//! open) or by the env cleanup hook of lib.rs, whichever comes first. The block knows its Poll
//! only weakly, so that a Poll whose last reference goes on another thread leaves the handle to
//! the teardown, never touching libuv there.

use std::alloc::{self, Layout};
use std::os::raw::{c_int, c_void};
use std::ptr::{self, NonNull};
use std::sync::{Arc, Weak};

use napi::{sys, Env};

use crate::poll::{PollShared, SelectorWatch};
use crate::uv::{self, Uv};

/// The wait a handle serves (poll_async.rs), as the handle sees it.
#[derive(Clone, Copy)]
pub(crate) struct Client {
    pub(crate) wait: NonNull<c_void>,
    /// The selector has events (or watching it failed: the error).
    pub(crate) ready: unsafe fn(NonNull<c_void>, Option<std::io::Error>),
    /// The handle is closing with the wait still attached: end it without a callback.
    pub(crate) end: unsafe fn(NonNull<c_void>),
}

/// The heap block of one handle (see the module docs).
pub(crate) struct Watch {
    uv: &'static Uv,
    handle: NonNull<c_void>,
    layout: Layout,
    poll: Weak<PollShared>,
    cleanup: sys::napi_async_cleanup_hook_handle,
    client: Option<Client>,
    started: bool,
    closing: bool,
}

/// The Poll's hold on its handle: the block's address.
struct Held(NonNull<Watch>);

// SAFETY: the pointer is only dereferenced on the Poll's owning thread (the only thread that
// can pollAsync, poll, close or release that Poll, and the one whose teardown hooks run);
// other threads may only drop it, which does nothing.
unsafe impl Send for Held {}

impl SelectorWatch for Held {
    fn stop(&self) {
        // SAFETY: held by the Poll, so not closed; owning thread (see Held).
        unsafe { stop(self.0) }
    }

    fn close(self: Box<Self>) {
        // SAFETY: taken out of the Poll, so this is the one close; owning thread.
        unsafe { close(self.0) }
    }
}

/// The block behind a Poll's `SelectorWatch`.
fn block(watch: &dyn SelectorWatch) -> NonNull<Watch> {
    // SAFETY: every `SelectorWatch` is this file's `Held` (the only implementation), so the
    // data pointer of the trait object points to a `Held`.
    unsafe { (*(watch as *const dyn SelectorWatch as *const Held)).0 }
}

/// The Poll's handle on `fd` (its selector), made now if it has none.
///
/// # Safety
/// Owning thread of `shared`; `uv_loop` is this thread's loop and `fd` the Poll's live selector.
pub(crate) unsafe fn obtain(
    env: &Env,
    shared: &Arc<PollShared>,
    uv: &'static Uv,
    uv_loop: *mut sys::uv_loop_s,
    fd: wakepoll::event::RawSource,
) -> std::io::Result<NonNull<Watch>> {
    let mut held = shared.watch.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(watch) = held.as_deref() {
        return Ok(block(watch));
    }
    // SAFETY: uv_handle_size only reads the handle type.
    let size = unsafe { (uv.handle_size)(uv::UV_POLL) };
    let layout = Layout::from_size_align(size.max(1), 16).map_err(std::io::Error::other)?;
    // SAFETY: `layout` has a non-zero size.
    let handle = NonNull::new(unsafe { alloc::alloc_zeroed(layout) } as *mut c_void)
        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
    // SAFETY: `handle` is zeroed memory of uv_poll_t's size; `fd` is the live selector fd.
    let rc = unsafe { (uv.poll_init_socket)(uv_loop, handle.as_ptr(), fd) };
    if rc != 0 {
        // SAFETY: the init failed, so libuv does not know the handle; we allocated it.
        unsafe { alloc::dealloc(handle.as_ptr() as *mut u8, layout) };
        return Err(wakepoll::error::from_errno("uv_poll_init", -rc));
    }
    let watch = NonNull::from(Box::leak(Box::new(Watch {
        uv,
        handle,
        layout,
        poll: Arc::downgrade(shared),
        cleanup: ptr::null_mut(),
        client: None,
        started: false,
        closing: false,
    })));
    // SAFETY: `handle` is initialised; the block outlives it (freed in its close callback).
    unsafe { uv::set_data(handle.as_ptr(), watch.as_ptr() as *mut c_void) };
    // SAFETY: `watch` is live and its cleanup field is written once, here; the hook is removed
    // in the close callback, before the block is freed.
    let status = unsafe {
        sys::napi_add_async_cleanup_hook(
            env.raw(),
            Some(on_teardown),
            watch.as_ptr() as *mut c_void,
            &mut (*watch.as_ptr()).cleanup,
        )
    };
    if status != sys::Status::napi_ok {
        // SAFETY: initialised, not started, unknown to anyone else: closed once, freed in
        // on_closed (no hook to remove).
        unsafe { close(watch) };
        return Err(std::io::Error::other("napi_add_async_cleanup_hook failed"));
    }
    *held = Some(Box::new(Held(watch)));
    Ok(watch)
}

/// Makes `client` the wait the handle serves: referenced, and started if it is not.
///
/// # Safety
/// `watch` is live and not closing, with no client; owning thread.
pub(crate) unsafe fn attach(watch: NonNull<Watch>, client: Client) -> std::io::Result<()> {
    // SAFETY: forwarded from the caller.
    let w = unsafe { &mut *watch.as_ptr() };
    if !w.started {
        // SAFETY: an initialised uv_poll_t, not closing; `on_ready` matches uv_poll_cb.
        let rc = unsafe { (w.uv.poll_start)(w.handle.as_ptr(), uv::UV_READABLE, on_ready) };
        if rc != 0 {
            return Err(wakepoll::error::from_errno("uv_poll_start", -rc));
        }
        w.started = true;
    }
    // SAFETY: as above.
    unsafe { (w.uv.ref_)(w.handle.as_ptr()) };
    w.client = Some(client);
    Ok(())
}

/// The wait ended: the handle no longer keeps the loop alive, but stays started for the next.
///
/// # Safety
/// `watch` is live; owning thread.
pub(crate) unsafe fn detach(watch: NonNull<Watch>) {
    // SAFETY: forwarded from the caller.
    let w = unsafe { &mut *watch.as_ptr() };
    w.client = None;
    if !w.closing {
        // SAFETY: an initialised handle, not closing.
        unsafe { (w.uv.unref)(w.handle.as_ptr()) };
    }
}

/// Stops watching the selector, if the handle watches it.
///
/// # Safety
/// `watch` is live; owning thread.
unsafe fn stop(watch: NonNull<Watch>) {
    // SAFETY: forwarded from the caller.
    let w = unsafe { &mut *watch.as_ptr() };
    if w.started && !w.closing {
        // SAFETY: an initialised, started uv_poll_t.
        unsafe { (w.uv.poll_stop)(w.handle.as_ptr()) };
        w.started = false;
    }
}

/// Closes the handle once; an attached wait ends without a callback. The block is freed in the
/// close callback.
///
/// # Safety
/// `watch` is live; owning thread; nobody uses it after this but libuv's close callback.
unsafe fn close(watch: NonNull<Watch>) {
    // SAFETY: forwarded from the caller.
    let w = unsafe { &mut *watch.as_ptr() };
    if w.closing {
        return;
    }
    w.closing = true;
    if let Some(client) = w.client.take() {
        // SAFETY: the client's wait is live while attached; it detaches nothing (`closing`).
        unsafe { (client.end)(client.wait) };
    }
    // SAFETY: an initialised handle, closed once (`closing`); uv_close stops it first.
    unsafe { (w.uv.close)(w.handle.as_ptr(), on_closed) };
}

/// libuv: the selector became readable (or watching it failed).
unsafe extern "C" fn on_ready(handle: *mut c_void, status: c_int, _events: c_int) {
    // SAFETY: `data` is the live block (freed only in the close callback, after which libuv
    // calls nothing of this handle).
    let watch = unsafe { NonNull::new_unchecked(uv::data(handle) as *mut Watch) };
    // SAFETY: as above; this is the loop's thread, the owning one.
    let w = unsafe { &mut *watch.as_ptr() };
    if w.closing {
        return;
    }
    let failed = (status < 0).then(|| wakepoll::error::from_errno("uv_poll", -status));
    let client = w.client;
    if client.is_none() || failed.is_some() {
        // No one collects (libuv would report the selector again at every turn), or watching
        // failed: stop; the next wait starts it again.
        // SAFETY: live, owning thread.
        unsafe { stop(watch) };
    }
    if let Some(client) = client {
        // SAFETY: the attached wait is live; `ready` may detach it, call JavaScript (which may
        // attach another or close the handle: the block stays allocated until on_closed). The
        // block is not used after this.
        unsafe { (client.ready)(client.wait, failed) };
    }
}

/// libuv: the handle is closed; nothing refers to the block any more.
unsafe extern "C" fn on_closed(handle: *mut c_void) {
    // SAFETY: `data` is the block leaked in `obtain`; this is its only release.
    let watch = unsafe { Box::from_raw(uv::data(handle) as *mut Watch) };
    if !watch.cleanup.is_null() {
        // SAFETY: the hook was added in `obtain` and is removed exactly once, here (which also
        // tells Node that a teardown that started it is done).
        unsafe { sys::napi_remove_async_cleanup_hook(watch.cleanup) };
    }
    // SAFETY: `handle` was allocated in `obtain` with this layout and libuv is done with it.
    unsafe { alloc::dealloc(handle as *mut u8, watch.layout) };
}

/// Node is tearing down this thread's env with the handle open (a worker ends, the process
/// exits): the Poll lets go of it, and it closes, ending an attached wait; the close callback
/// removes this hook, which lets Node close the loop.
unsafe extern "C" fn on_teardown(_hook: sys::napi_async_cleanup_hook_handle, arg: *mut c_void) {
    // SAFETY: `arg` is the live block registered in `obtain` (the hook is removed before the
    // block is freed).
    let watch = unsafe { NonNull::new_unchecked(arg as *mut Watch) };
    // SAFETY: as above; cleanup hooks run on the env's (owning) thread.
    let w = unsafe { &*watch.as_ptr() };
    if w.closing {
        return;
    }
    if let Some(poll) = w.poll.upgrade() {
        // The Poll lets go of it (dropping `Held` does nothing): this hook closes it.
        let mut held = poll.watch.lock().unwrap_or_else(|e| e.into_inner());
        if held.as_deref().is_some_and(|h| block(h) == watch) {
            drop(held.take());
        }
    }
    // SAFETY: live, not closing, no longer held by the Poll.
    unsafe { close(watch) };
}
