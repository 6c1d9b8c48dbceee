//! pollAsync: the JavaScript thread's own libuv loop watches the Poll's selector.
//!
//! No thread waits on behalf of a pending pollAsync — not one of libuv's four pool threads
//! (which would starve `fs` and `crypto`), not one of ours. The selector fd (an epoll fd) is
//! readable while it holds ready events, so a `uv_poll_t` on it makes the loop call
//! [`watch_ready`] on this thread; that collects the events without blocking and calls the
//! JavaScript callback through `napi_make_callback` (so promise reactions run after it). A
//! pending wait keeps the loop, and so the process, alive.
//!
//! The `uv_poll_t` is the Poll's, not the wait's: poll_watch.rs keeps one per Poll across
//! waits, so that a wait costs no system call and no allocation of libuv's. A wait attaches to
//! it (which references it) and detaches when it ends (which unreferences it).
//!
//! Lifetimes. A wait lives in a heap `AsyncWait`. It ends in one of four ways, each exactly
//! once (`closing`): events arrived ([`watch_ready`]), the Poll was closed ([`finish`] with
//! `ERR_CLOSED`), JavaScript cancelled it (abort or timeout: [`cancel`]), or Node is tearing the
//! thread down (the handle's teardown hook in poll_watch.rs ends it through [`watch_end`]).
//! Under the Poll's `uv_poll_t` nothing but the handle refers to the wait, and ending it
//! detaches it, so it is freed at once. Whichever way it ends, its references and async context
//! are given back then (js_refs.rs): Node deletes neither for us, not even when it tears a
//! worker down.
//!
//! While a wait is pending the Poll's selector must not watch the loop fd (thread_stop.rs):
//! two epoll instances may not contain each other.
//!
//! Where the selector is no source libuv can watch (`as_pollable()` is `None`: an I/O
//! completion port on Windows), a thread of ours waits instead — still never one of libuv's
//! pool threads. It blocks in `Registry::wait_ready`, which waits for events without
//! collecting them (so an abort or a timeout loses nothing, and the deregister guarantee holds
//! for whatever it saw), then tells the loop with a `uv_async_t`; the loop thread collects
//! exactly as [`watch_ready`] does, and sends the thread back to waiting if nothing of the
//! user's was there. This path keeps the per-wait design: the wait owns a `uv_async_t`, which
//! it closes when it ends; the wait is freed in the handle's close callback, never earlier, and
//! Node's teardown ends it through the wait's own async cleanup hook ([`on_teardown`], so that
//! the loop is not closed with our handle still open). Ending the wait first stops the thread
//! (under the lock it sends with, then joined: it never touches the handle after that) and
//! only then closes the handle. The thread is per wait,
//! and wakes from its wait through the Poll's closer (`PollShared::nudge`), whose event is
//! never reported. `WAKEPOLL_POLL_ASYNC_THREAD=1` selects this path everywhere, so that the
//! Linux test suite can run it.
//!
//! Where the host has no libuv (Bun, Deno: runtime.rs), the waiter thread tells the loop
//! through a Node-API threadsafe function instead of a `uv_async_t`; the threadsafe function
//! takes the handle's place in every rule above, its release that of `uv_close` and its
//! finalizer that of the close callback (it runs after every queued call, so a call never
//! finds the wait freed). `WAKEPOLL_NO_LIBUV=1` takes that path under Node too.

use std::alloc::{self, Layout};
use std::os::raw::c_void;
use std::ptr::{self, NonNull};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use napi::bindgen_prelude::{Float64ArraySlice, ToNapiValue, Uint8ArraySlice, Unknown};
use napi::{sys, Env, JsValue};
use napi_derive::napi;

use crate::poll::{self, PendingAsync, PollShared};
use crate::poll_watch::{self, Watch};
use crate::runtime;
use crate::uv::{self, Uv};
use crate::{errors, js_refs};

/// The pending wait of a Poll, if any; only its owning thread touches it.
pub(crate) struct PendingWait(NonNull<AsyncWait>);

// SAFETY: the pointer is only dereferenced on the Poll's owning thread (the JavaScript thread
// that created the Poll, which is the only one that can call pollAsync, cancel it or close the
// Poll); other threads only see whether it is `Some`.
unsafe impl Send for PendingWait {}

impl PendingAsync for PendingWait {
    fn id(&self) -> *const () {
        self.0.as_ptr() as *const ()
    }

    fn cancel(self: Box<Self>) {
        // SAFETY: a published wait is live until its handle's close callback; the Poll calls
        // this on the owning thread (see PendingWait), after taking the wait out of `pending`.
        unsafe { close_handle(self.0) };
    }

    fn finish_closed(self: Box<Self>, env: &Env) {
        let err = errors::closed(env, "Poll");
        // SAFETY: as in `cancel`; we are inside a napi call on the owning thread.
        unsafe { finish(self.0, Err(err)) };
    }
}

struct AsyncWait {
    /// What tells this thread that the selector has events.
    notify: Notify,
    env: sys::napi_env,
    shared: Arc<PollShared>,
    tokens: sys::napi_ref,
    flags: sys::napi_ref,
    callback: sys::napi_ref,
    context: sys::napi_async_context,
    cleanup: sys::napi_async_cleanup_hook_handle,
    closing: bool,
    /// The waiter thread, unless libuv watches the selector (see the module docs).
    waiter: Option<Waiter>,
}

/// How the loop thread learns that the selector has events.
enum Notify {
    /// Not set up yet (only while `start` builds the wait).
    None,
    /// libuv watches the selector: the Poll's `uv_poll_t` (poll_watch.rs), which outlives the
    /// wait.
    Watch(NonNull<Watch>),
    /// The waiter thread sends to a `uv_async_t`.
    UvAsync(UvHandle),
    /// The waiter thread calls a Node-API threadsafe function (a host without libuv).
    Tsfn(sys::napi_threadsafe_function),
}

/// A libuv handle of ours: its memory (freed in its close callback) and the functions.
struct UvHandle {
    uv: &'static Uv,
    ptr: NonNull<c_void>,
    layout: Layout,
}

/// pollAsync's own waiter thread and what it shares with the loop thread.
struct Waiter {
    state: Arc<WaiterState>,
    thread: Option<JoinHandle<()>>,
}

struct WaiterState {
    phase: Mutex<Phase>,
    changed: Condvar,
    sender: Sender,
}

#[derive(Debug)]
enum Phase {
    /// The thread waits in the selector.
    Waiting,
    /// The thread told the loop (with this outcome of `wait_ready`) and waits for orders.
    Sent(Option<std::io::Error>),
    /// The wait is over: the thread must not touch the handle again, and ends.
    Stopped,
}

/// What the waiter thread sends to: the `uv_async_t`, or the threadsafe function.
enum Sender {
    Uv(&'static Uv, *mut c_void),
    Tsfn(sys::napi_threadsafe_function),
}

// SAFETY: the pointers are only passed to uv_async_send and napi_call_threadsafe_function,
// which libuv and Node-API allow from any thread, and only while the phase (under its lock) is
// not `Stopped`; the loop thread sets `Stopped` under that lock and joins the thread before it
// closes the handle or releases the function.
unsafe impl Send for Sender {}
// SAFETY: as above.
unsafe impl Sync for Sender {}

impl Sender {
    /// # Safety
    /// The phase is not `Stopped`, and its lock is held (see `Sender`).
    unsafe fn send(&self) {
        match self {
            // SAFETY: forwarded; the handle is a live uv_async_t.
            Sender::Uv(uv, handle) => unsafe {
                (uv.async_send)(*handle);
            },
            // SAFETY: forwarded; the function is live. Non-blocking on an unbounded queue: it
            // never waits. A failure (the env is closing) leaves the wait to on_teardown.
            Sender::Tsfn(tsfn) => unsafe {
                sys::napi_call_threadsafe_function(
                    *tsfn,
                    ptr::null_mut(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                );
            },
        }
    }
}

impl WaiterState {
    fn lock(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The waiter thread: wait for events, tell the loop, wait for orders; until stopped.
fn waiter_thread(registry: wakepoll::Registry, state: Arc<WaiterState>) {
    loop {
        let ready = registry.wait_ready(None);
        let mut phase = state.lock();
        if matches!(*phase, Phase::Stopped) {
            return;
        }
        let error = match ready {
            // Interrupted: wait again.
            Ok(false) => continue,
            Ok(true) => None,
            Err(err) => Some(err),
        };
        // SAFETY: not stopped, under the lock (see Sender).
        unsafe { state.sender.send() };
        *phase = Phase::Sent(error);
        while matches!(*phase, Phase::Sent(_)) {
            phase = state.changed.wait(phase).unwrap_or_else(|e| e.into_inner());
        }
        if matches!(*phase, Phase::Stopped) {
            return;
        }
    }
}

/// Whether pollAsync uses a waiter thread even where libuv could watch the selector
/// (`WAKEPOLL_POLL_ASYNC_THREAD=1`: the Linux tests of the Windows path).
fn thread_forced() -> bool {
    static FORCED: OnceLock<bool> = OnceLock::new();
    *FORCED.get_or_init(|| std::env::var_os("WAKEPOLL_POLL_ASYNC_THREAD").is_some_and(|v| v == "1"))
}

/// Starts waiting: `callback(err, count)` is called once, on this thread, unless the wait is
/// cancelled first.
pub(crate) fn start(
    env: &Env,
    shared: &Arc<PollShared>,
    tokens: sys::napi_value,
    flags: sys::napi_value,
    callback: sys::napi_value,
) -> napi::Result<()> {
    let mut pending = shared.pending.lock().unwrap_or_else(|e| e.into_inner());
    if pending.is_some() || shared.poller.try_lock().is_err() {
        return Err(errors::system(
            env,
            &wakepoll::error::busy("pollAsync", "this Poll is already being polled"),
        ));
    }
    if shared.is_closed() {
        return Err(errors::closed(env, "Poll"));
    }
    // libuv, where the host has it; then its loop.
    let uv = match runtime::uv(env) {
        Some(uv) => match uv::event_loop(env) {
            Some(uv_loop) => Some((uv, uv_loop)),
            None => return Err(errors::closed(env, "Poll")),
        },
        None => None,
    };
    // Where libuv can watch the selector, it does (uv_poll); else a waiter thread of ours.
    let pollable = match uv {
        Some(_) if !thread_forced() => shared.pollable(),
        _ => None,
    };
    let registry = match pollable {
        Some(_) => None,
        None => match shared.registry_clone() {
            Some(registry) => Some(registry),
            None => return Err(errors::closed(env, "Poll")),
        },
    };
    shared.unwatch_loop();

    let raw_env = env.raw();
    let refs = (
        js_refs::reference(raw_env, tokens),
        js_refs::reference(raw_env, flags),
        js_refs::reference(raw_env, callback),
        async_context_for_host(env),
    );
    let (tokens, flags, callback, context) = match refs {
        (Ok(t), Ok(f), Ok(c), Ok(x)) => (t, f, c, x),
        (t, f, c, x) => {
            // SAFETY: each is a live reference / context of this env, given back once.
            unsafe {
                for mut r in [t, f, c].into_iter().flatten() {
                    js_refs::delete_reference(raw_env, &mut r);
                }
                if let Ok(mut x) = x {
                    js_refs::destroy_async_context(raw_env, &mut x);
                }
            }
            return Err(napi::Error::from_reason("napi_create_reference failed"));
        }
    };
    let wait = Box::new(AsyncWait {
        notify: Notify::None,
        env: raw_env,
        shared: Arc::clone(shared),
        tokens,
        flags,
        callback,
        context,
        cleanup: ptr::null_mut(),
        closing: false,
        waiter: None,
    });
    let wait = NonNull::from(Box::leak(wait));
    if let (Some(fd), Some((uv, uv_loop))) = (pollable, uv) {
        // SAFETY: `wait` is live, unpublished, and only this thread (the Poll's) touches it;
        // `uv_loop` is this thread's loop and `fd` the Poll's selector.
        if let Err(err) = unsafe { watch_selector(env, shared, wait, uv, uv_loop, fd) } {
            // SAFETY: as above; nothing refers to it (the handle did not take it).
            unsafe { discard(wait) };
            return Err(errors::system(env, &err));
        }
        *pending = Some(Box::new(PendingWait(wait)));
        return Ok(());
    }
    // SAFETY: `wait` is live, unpublished, and only this thread touches it.
    if let Err(err) = unsafe { set_up_notify(env, wait, uv) } {
        // SAFETY: as above; nothing else refers to it (set_up_notify made nothing that does).
        unsafe { discard(wait) };
        return Err(errors::system(env, &err));
    }
    // SAFETY: `wait` is live and its cleanup field is written once, here.
    let status = unsafe {
        sys::napi_add_async_cleanup_hook(
            raw_env,
            Some(on_teardown),
            wait.as_ptr() as *mut c_void,
            &mut (*wait.as_ptr()).cleanup,
        )
    };
    let started = if status != sys::Status::napi_ok {
        Err(std::io::Error::other("napi_add_async_cleanup_hook failed"))
    } else if let Some(registry) = registry {
        // SAFETY: `wait` is live; its notifier is set up.
        let sender = match unsafe { &(*wait.as_ptr()).notify } {
            Notify::UvAsync(h) => Sender::Uv(h.uv, h.ptr.as_ptr()),
            Notify::Tsfn(tsfn) => Sender::Tsfn(*tsfn),
            Notify::Watch(_) | Notify::None => unreachable!("a waiter thread sends to its own"),
        };
        let state = Arc::new(WaiterState {
            phase: Mutex::new(Phase::Waiting),
            changed: Condvar::new(),
            sender,
        });
        let theirs = Arc::clone(&state);
        std::thread::Builder::new()
            .name("wakepoll-pollAsync".to_owned())
            .spawn(move || waiter_thread(registry, theirs))
            .map(|thread| {
                // SAFETY: `wait` is live and only this thread touches it.
                unsafe {
                    (*wait.as_ptr()).waiter = Some(Waiter {
                        state,
                        thread: Some(thread),
                    })
                };
            })
    } else {
        Err(std::io::Error::other(
            "pollAsync: no way to watch the selector",
        ))
    };
    if let Err(err) = started {
        // SAFETY: `wait` is live and not yet published; closing it frees it in on_closed.
        unsafe { close_handle(wait) };
        return Err(errors::system(env, &err));
    }
    *pending = Some(Box::new(PendingWait(wait)));
    Ok(())
}

/// Attaches the wait to the Poll's `uv_poll_t` on its selector (made now if it has none).
///
/// # Safety
/// `wait` is live and unpublished, without a notifier; owning thread of `shared`; `uv_loop` is
/// this thread's loop and `fd` the Poll's selector.
unsafe fn watch_selector(
    env: &Env,
    shared: &Arc<PollShared>,
    wait: NonNull<AsyncWait>,
    uv: &'static Uv,
    uv_loop: *mut sys::uv_loop_s,
    fd: wakepoll::event::RawSource,
) -> std::io::Result<()> {
    // SAFETY: forwarded from the caller.
    let watch = unsafe { poll_watch::obtain(env, shared, uv, uv_loop, fd) }?;
    let client = poll_watch::Client {
        wait: wait.cast(),
        ready: watch_ready,
        end: watch_end,
    };
    // SAFETY: the handle is live and not closing (held by the Poll), and serves no wait: this
    // Poll has none pending (`start` checked under the lock it still holds).
    unsafe { poll_watch::attach(watch, client) }?;
    // SAFETY: `wait` is live and only this thread touches it.
    unsafe { (*wait.as_ptr()).notify = Notify::Watch(watch) };
    Ok(())
}

/// Makes what tells the loop thread about events for a waiter thread: a `uv_async_t`, or,
/// without libuv, a threadsafe function.
///
/// # Safety
/// `wait` is live and unpublished; owning thread.
unsafe fn set_up_notify(
    env: &Env,
    wait: NonNull<AsyncWait>,
    uv: Option<(&'static Uv, *mut sys::uv_loop_s)>,
) -> std::io::Result<()> {
    let Some((uv, uv_loop)) = uv else {
        let name = env
            .create_string("wakepoll.pollAsync")
            .map_err(|e| std::io::Error::other(e.reason))?;
        let mut tsfn = ptr::null_mut();
        // SAFETY: `env` is live; `wait` outlives the function (freed by its finalizer); the
        // callbacks match Node-API's types. No JavaScript function: `on_call` is the callback.
        let status = unsafe {
            sys::napi_create_threadsafe_function(
                env.raw(),
                ptr::null_mut(),
                ptr::null_mut(),
                name.raw(),
                0,
                1,
                wait.as_ptr() as *mut c_void,
                Some(on_finalized),
                wait.as_ptr() as *mut c_void,
                Some(on_call),
                &mut tsfn,
            )
        };
        if status != sys::Status::napi_ok || tsfn.is_null() {
            return Err(std::io::Error::other(format!(
                "pollAsync needs a Node-API threadsafe function where there is no libuv, and \
                 napi_create_threadsafe_function failed under {}",
                runtime::host(env).describe()
            )));
        }
        // SAFETY: `wait` is live and only this thread touches it.
        unsafe { (*wait.as_ptr()).notify = Notify::Tsfn(tsfn) };
        return Ok(());
    };
    // SAFETY: uv_handle_size only reads the handle type.
    let size = unsafe { (uv.handle_size)(uv::UV_ASYNC) };
    let layout = Layout::from_size_align(size.max(1), 16).map_err(std::io::Error::other)?;
    // SAFETY: `layout` has a non-zero size.
    let handle = NonNull::new(unsafe { alloc::alloc_zeroed(layout) } as *mut c_void)
        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
    // SAFETY: `handle` is zeroed memory of uv_async_t's size; `on_async` matches uv_async_cb.
    // An async handle is active (and so keeps the loop alive) from here on.
    let rc = unsafe { (uv.async_init)(uv_loop, handle.as_ptr(), on_async) };
    if rc != 0 {
        // SAFETY: the init failed, so libuv does not know the handle; we allocated it.
        unsafe { alloc::dealloc(handle.as_ptr() as *mut u8, layout) };
        return Err(wakepoll::error::from_errno("uv_async_init", -rc));
    }
    // SAFETY: `handle` is initialised; the wait outlives it (freed in its close callback).
    unsafe { uv::set_data(handle.as_ptr(), wait.as_ptr() as *mut c_void) };
    let h = UvHandle {
        uv,
        ptr: handle,
        layout,
    };
    // SAFETY: `wait` is live and only this thread touches it.
    unsafe { (*wait.as_ptr()).notify = Notify::UvAsync(h) };
    Ok(())
}

/// The async context the callback is made in: Node's, for async_hooks and AsyncLocalStorage.
/// Elsewhere none (null, which `napi_make_callback` accepts): Bun and Deno have no async
/// hooks to feed, and Deno's `napi_async_destroy` makes a V8 handle, so that destroying the
/// context from the threadsafe function's finalizer at a worker's teardown (outside any handle
/// scope, which Deno's `napi_open_handle_scope` does not really open) aborts the process.
fn async_context_for_host(env: &Env) -> napi::Result<sys::napi_async_context> {
    if runtime::host(env).name == "node" {
        js_refs::async_context(env, "wakepoll.pollAsync")
    } else {
        Ok(ptr::null_mut())
    }
}

/// Frees a wait that never got a notifier: no callback, no handle refers to it.
///
/// # Safety
/// `wait` came from `start`'s leak, is unpublished, and has no notifier or hook.
unsafe fn discard(wait: NonNull<AsyncWait>) {
    // SAFETY: forwarded; this is its only release.
    let mut w = unsafe { Box::from_raw(wait.as_ptr()) };
    // SAFETY: inside the call that made them, on this env's thread.
    unsafe { release_js(&mut w) };
}

/// The Poll's `uv_poll_t` (poll_watch.rs): the selector became readable (or watching it
/// failed) while this wait is attached.
///
/// # Safety
/// `wait` is an attached wait (so live); the loop's thread, in the handle's callback.
unsafe fn watch_ready(wait: NonNull<c_void>, failed: Option<std::io::Error>) {
    // SAFETY: forwarded.
    unsafe { ready(wait.cast(), failed) }
}

/// The Poll's `uv_poll_t` is closing with this wait attached (the Poll was closed or its object
/// collected, or the thread's teardown): the wait ends without a callback. Its references and
/// async context are given back now, also at teardown: Node deletes neither for us, and the env
/// is still whole while its cleanup hooks run (which is where a teardown calls this from).
///
/// # Safety
/// `wait` is an attached wait (so live); owning thread.
unsafe fn watch_end(wait: NonNull<c_void>) {
    let wait = wait.cast::<AsyncWait>();
    // SAFETY: forwarded.
    let w = unsafe { &mut *wait.as_ptr() };
    w.shared.take_pending_if(wait.as_ptr() as *const ());
    // SAFETY: live and not closing (an attached wait); freed at once (Notify::Watch).
    unsafe { close_handle(wait) };
}

/// libuv: the waiter thread says the selector has events (or that waiting failed).
unsafe extern "C" fn on_async(handle: *mut c_void) {
    // SAFETY: `data` was set to the live wait in `start`, before the thread was started; the
    // wait is live until the close callback, which cannot have run yet.
    unsafe { sent(NonNull::new_unchecked(uv::data(handle) as *mut AsyncWait)) }
}

/// Node-API: the waiter thread's call through the threadsafe function (no libuv).
unsafe extern "C" fn on_call(
    env: sys::napi_env,
    _js_callback: sys::napi_value,
    context: *mut c_void,
    _data: *mut c_void,
) {
    // A null env: the function is being torn down with this call still queued.
    if env.is_null() || context.is_null() {
        return;
    }
    // SAFETY: the context is the wait, which the function's finalizer frees only after every
    // queued call has run.
    unsafe { sent(NonNull::new_unchecked(context as *mut AsyncWait)) }
}

/// The waiter thread sent: take its outcome and collect.
///
/// # Safety
/// `wait` is live, and this runs on its thread, in the notifier's callback.
unsafe fn sent(wait: NonNull<AsyncWait>) {
    // SAFETY: forwarded.
    let w = unsafe { &*wait.as_ptr() };
    if w.closing {
        return;
    }
    let failed = w
        .waiter
        .as_ref()
        .and_then(|waiter| match &mut *waiter.state.lock() {
            Phase::Sent(err) => err.take(),
            _ => None,
        });
    // SAFETY: forwarded.
    unsafe { ready(wait, failed) }
}

/// Collects and calls back, or keeps waiting when nothing of the user's was there.
///
/// # Safety
/// `wait` is live, and this runs on its thread, in its notifier's callback.
unsafe fn ready(wait: NonNull<AsyncWait>, failed: Option<std::io::Error>) {
    // SAFETY: forwarded.
    let w = unsafe { &mut *wait.as_ptr() };
    if w.closing {
        return;
    }
    // `w.env` is the env of this thread, which is running its loop. Kept apart: a threadsafe
    // function's finalizer may free the wait inside `finish`.
    let raw_env = w.env;
    let env = Env::from_raw(raw_env);
    let mut scope = ptr::null_mut();
    // SAFETY: as above; every value below lives in this scope.
    if unsafe { sys::napi_open_handle_scope(raw_env, &mut scope) } != sys::Status::napi_ok {
        return;
    }
    let outcome = match failed {
        Some(err) => Some(Err(errors::system(&env, &err))),
        // SAFETY: the refs are live while the wait is; this thread owns the arrays.
        None => unsafe { collect(w) }.transpose(),
    };
    if outcome.is_none() {
        if let Some(waiter) = &w.waiter {
            // Nothing of the user's: the waiter thread waits again.
            let mut phase = waiter.state.lock();
            if matches!(*phase, Phase::Sent(_)) {
                *phase = Phase::Waiting;
                waiter.state.changed.notify_all();
            }
        }
    }
    if let Some(result) = outcome {
        // The wait leaves `pending` first, so a callback that polls again finds it free.
        if w.shared.take_pending_if(wait.as_ptr() as *const ()) {
            // SAFETY: the wait is live and now unpublished; we are on the owning thread.
            unsafe { finish(wait, result) };
        }
    }
    // SAFETY: `scope` was opened above.
    unsafe { sys::napi_close_handle_scope(raw_env, scope) };
}

/// Collects ready events into the JavaScript arrays without blocking. `Ok(None)`: nothing of
/// the user's was ready (keep waiting).
///
/// # Safety
/// The wait's refs are live, and this is the owning thread, inside a handle scope.
unsafe fn collect(w: &mut AsyncWait) -> napi::Result<Option<u32>> {
    let env = Env::from_raw(w.env);
    if w.shared.is_closed() {
        return Err(errors::closed(&env, "Poll"));
    }
    // SAFETY: forwarded from the caller.
    let (tokens, flags) = unsafe {
        (
            typed_array::<f64>(w.env, w.tokens)?,
            typed_array::<u8>(w.env, w.flags)?,
        )
    };
    let mut guard = w.shared.poller.lock().unwrap_or_else(|e| e.into_inner());
    let Some(poller) = guard.as_mut() else {
        return Err(errors::closed(&env, "Poll"));
    };
    let capacity = tokens.len().min(flags.len());
    poller
        .wait(capacity, Some(Duration::ZERO))
        .map_err(|e| errors::system(&env, &e))?;
    let collected = poller.copy_out(tokens, flags);
    Ok((collected.count > 0).then_some(collected.count as u32))
}

/// Stops the wait and calls back `callback(err, count)`.
///
/// # Safety
/// `wait` is live and no longer published in `pending`; owning thread, inside a handle scope
/// or a napi call.
unsafe fn finish(wait: NonNull<AsyncWait>, result: napi::Result<u32>) {
    // SAFETY: forwarded from the caller.
    let w = unsafe { &mut *wait.as_ptr() };
    let raw_env = w.env;
    // Taken out of the wait: closing its notifier may free it (at once under the Poll's
    // handle, in a threadsafe function's finalizer) before the callback has run.
    let mut callback = std::mem::take(&mut w.callback);
    let mut context = std::mem::take(&mut w.context);
    // SAFETY: forwarded. Not used after this.
    unsafe { close_handle(wait) };
    // SAFETY: `raw_env` is the live env of this thread; the values are created in its scope.
    unsafe {
        let mut undefined = ptr::null_mut();
        sys::napi_get_undefined(raw_env, &mut undefined);
        let args = match result {
            Ok(count) => [
                undefined,
                u32::to_napi_value(raw_env, count).unwrap_or(undefined),
            ],
            Err(err) => [
                napi::Error::to_napi_value(raw_env, err).unwrap_or(undefined),
                undefined,
            ],
        };
        let mut func = ptr::null_mut();
        sys::napi_get_reference_value(raw_env, callback, &mut func);
        // napi_make_callback wants an object receiver; the callback ignores `this`.
        let mut global = ptr::null_mut();
        sys::napi_get_global(raw_env, &mut global);
        let mut ignored = ptr::null_mut();
        sys::napi_make_callback(
            raw_env,
            context,
            global,
            func,
            args.len(),
            args.as_ptr(),
            &mut ignored,
        );
        js_refs::delete_reference(raw_env, &mut callback);
        js_refs::destroy_async_context(raw_env, &mut context);
    }
}

/// Stops the handle, gives back the JavaScript references the wait still holds (all of them,
/// unless `finish` took the callback's for its call) and closes the handle, whose close
/// callback frees the wait.
///
/// # Safety
/// `wait` is live and not closing yet; owning thread, its env whole. The wait may be freed
/// when this returns.
unsafe fn close_handle(wait: NonNull<AsyncWait>) {
    // SAFETY: forwarded from the caller.
    let w = unsafe { &mut *wait.as_ptr() };
    if w.closing {
        return;
    }
    w.closing = true;
    // SAFETY: forwarded: owning thread, the handle is initialised and not closing yet.
    unsafe { stop(w) };
    // SAFETY: owning thread, inside a call or a callback of its loop; then the handle is
    // closed, and nothing else uses it any more.
    unsafe {
        release_js(w);
        close_notify(wait);
    }
}

/// Gives back the references and the async context that the wait still holds; each once (a
/// second call finds them null).
///
/// # Safety
/// The wait's env is whole and this is its thread (see [`js_refs::delete_reference`]).
unsafe fn release_js(w: &mut AsyncWait) {
    // SAFETY: forwarded from the caller; the handles were made in `w.env` by `start`.
    unsafe {
        js_refs::delete_reference(w.env, &mut w.tokens);
        js_refs::delete_reference(w.env, &mut w.flags);
        js_refs::delete_reference(w.env, &mut w.callback);
        js_refs::destroy_async_context(w.env, &mut w.context);
    }
}

/// Closes the notifier, whose close callback (or finalizer) frees the wait: the last use of
/// `wait` here.
///
/// # Safety
/// `wait` is live, closing and stopped (`stop`); owning thread.
unsafe fn close_notify(wait: NonNull<AsyncWait>) {
    // SAFETY: forwarded.
    let w = unsafe { &mut *wait.as_ptr() };
    match &w.notify {
        // SAFETY: an initialised handle, closed once (`closing`).
        Notify::UvAsync(h) => unsafe { (h.uv.close)(h.ptr.as_ptr(), on_closed) },
        // SAFETY: detached (`stop`), so nothing refers to the wait: freed now; the Poll's
        // handle stays.
        Notify::Watch(_) => drop(unsafe { free(wait) }),
        // SAFETY: the function is live and this thread holds its only count: releasing it
        // finalizes it once every queued call has run (`closing` makes them no-ops).
        Notify::Tsfn(tsfn) => unsafe {
            sys::napi_release_threadsafe_function(
                *tsfn,
                sys::ThreadsafeFunctionReleaseMode::release,
            );
        },
        // SAFETY: nothing else refers to a wait without a notifier (see `start`); the hook, if
        // any, goes with it.
        Notify::None => drop(unsafe { free(wait) }),
    }
}

/// Stops what feeds the handle: the uv_poll, or the waiter thread (told under its lock, woken,
/// joined), so that nothing but the loop touches the handle when it is closed.
///
/// # Safety
/// Owning thread; the handle is initialised and not closed yet.
unsafe fn stop(w: &mut AsyncWait) {
    if let Notify::Watch(watch) = w.notify {
        // SAFETY: the Poll's handle outlives an attached wait; owning thread.
        unsafe { poll_watch::detach(watch) };
        return;
    }
    if let Some(waiter) = w.waiter.as_mut() {
        *waiter.state.lock() = Phase::Stopped;
        waiter.state.changed.notify_all();
        // Out of `wait_ready`: the closer's event, which no poll reports.
        w.shared.nudge();
        if let Some(thread) = waiter.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Frees the wait and removes its teardown hook.
///
/// # Safety
/// `wait` came from `start`'s leak; nothing refers to it any more; this is its only release.
unsafe fn free(wait: NonNull<AsyncWait>) -> Box<AsyncWait> {
    // SAFETY: forwarded.
    let wait = unsafe { Box::from_raw(wait.as_ptr()) };
    if !wait.cleanup.is_null() {
        // SAFETY: the hook was added in `start` and is removed exactly once, here.
        unsafe { sys::napi_remove_async_cleanup_hook(wait.cleanup) };
    }
    wait
}

/// libuv: the handle is closed; nothing refers to the wait any more.
unsafe extern "C" fn on_closed(handle: *mut c_void) {
    // SAFETY: `data` is the wait that was leaked in `start`; this is its only release.
    let wait = unsafe { free(NonNull::new_unchecked(uv::data(handle) as *mut AsyncWait)) };
    if let Notify::UvAsync(h) = &wait.notify {
        // SAFETY: `handle` was allocated in `start` with this layout and libuv is done with it.
        unsafe { alloc::dealloc(handle as *mut u8, h.layout) };
    }
}

/// Node-API: the threadsafe function is finalized (every queued call has run); nothing refers
/// to the wait any more.
unsafe extern "C" fn on_finalized(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    if let Some(wait) = NonNull::new(data as *mut AsyncWait) {
        // SAFETY: `data` is the wait leaked in `start`; the finalizer runs once.
        let mut w = unsafe { free(wait) };
        // Given back already by whoever released the function (close_handle), unless Node
        // finalized it first at a teardown; the env is whole while it runs a finalizer (the
        // function holds it).
        // SAFETY: the references and context are null or live in `w.env`, on its thread.
        unsafe { release_js(&mut w) };
    }
}

/// Node is tearing down this thread's env with the wait still pending (a worker terminated):
/// give back the references and the async context (Node deletes neither for us; the env is
/// still whole while this hook runs, not necessarily when the handle's close callback does) and
/// close the handle so the loop can close; the close callback removes this hook.
unsafe extern "C" fn on_teardown(_hook: sys::napi_async_cleanup_hook_handle, arg: *mut c_void) {
    // SAFETY: `arg` is the live wait registered in `start` (the hook is removed before the
    // wait is freed).
    let wait = unsafe { NonNull::new_unchecked(arg as *mut AsyncWait) };
    // SAFETY: as above.
    let w = unsafe { &mut *wait.as_ptr() };
    w.shared.take_pending_if(wait.as_ptr() as *const ());
    // SAFETY: live; a wait that is closing already has given everything back (close_handle).
    unsafe { close_handle(wait) };
}

/// The elements of the typed array behind `reference`.
///
/// # Safety
/// `reference` is live in `env`, refers to a typed array of `T`'s element type that no other
/// thread uses, and the returned slice is dropped before JavaScript runs again.
unsafe fn typed_array<'a, T>(
    env: sys::napi_env,
    reference: sys::napi_ref,
) -> napi::Result<&'a mut [T]> {
    let mut value = ptr::null_mut();
    let (mut kind, mut length, mut data, mut buffer, mut offset) =
        (0, 0usize, ptr::null_mut(), ptr::null_mut(), 0usize);
    // SAFETY: forwarded from the caller; out pointers are valid.
    let ok = unsafe {
        sys::napi_get_reference_value(env, reference, &mut value) == sys::Status::napi_ok
            && !value.is_null()
            && sys::napi_get_typedarray_info(
                env,
                value,
                &mut kind,
                &mut length,
                &mut data,
                &mut buffer,
                &mut offset,
            ) == sys::Status::napi_ok
    };
    if !ok || (data.is_null() && length > 0) {
        return Err(napi::Error::from_reason("the Events buffer is gone"));
    }
    if length == 0 {
        return Ok(&mut []);
    }
    // SAFETY: napi reported `length` elements at `data`; exclusivity is the caller's promise.
    Ok(unsafe { std::slice::from_raw_parts_mut(data as *mut T, length) })
}

/// Starts a wait on this thread's libuv loop (poll_async.rs); `callback(err, count)` is
/// called once, unless `pollCancelAsync` comes first.
#[napi(
    ts_args_type = "key: number, tokens: Float64Array, flags: Uint8Array, callback: (err: Error | undefined, count: number | undefined) => void"
)]
pub fn poll_async_start(
    env: Env,
    key: f64,
    tokens: Float64ArraySlice,
    flags: Uint8ArraySlice,
    callback: Unknown,
) -> napi::Result<()> {
    let shared = poll::shared(&env, key)?;
    if tokens.is_empty() || flags.is_empty() {
        return Err(errors::out_of_range(&env, "events.capacity", ">= 1"));
    }
    start(&env, &shared, tokens.raw(), flags.raw(), callback.raw())
}
