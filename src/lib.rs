//! The napi binding of wakepoll: glue only. One file per JavaScript class; the handle table
//! and error mapping each in their own file. No OS logic lives here: that is the core's.
#![deny(clippy::all)]
// In the test target (clippy --all-targets) napi-derive does not register the `#[napi]`
// functions, so nothing reaches them or what they use.
#![cfg_attr(test, allow(dead_code))]

mod atomic_waker;
mod blocking_wait;
mod build_info;
mod errors;
mod events;
mod fast;
mod handles;
mod js_refs;
mod napi_raw;
mod net;
mod net_fds;
mod poll;
mod poll_async;
mod poll_watch;
mod registry;
mod runtime;
mod slots;
mod sync_event;
mod sync_event_fd;
mod thread_held;
mod thread_stop;
mod timer;
mod token;
mod uv;
mod wait_context;
mod wait_context_sources;
mod waker;
mod waker_table;

/// Module init, once per env (main thread and each worker): adds the raw fast paths and the
/// teardown of the objects this env owns.
#[napi_derive::napi(module_exports)]
pub fn init(mut exports: napi::bindgen_prelude::Object, env: napi::Env) -> napi::Result<()> {
    runtime::guard_teardown(&env);
    // Detected here, once, so that every later path (error texts included) knows the host.
    runtime::host(&env);
    fast::export(&env, &mut exports)?;
    let id = slots::enter_env();
    // SAFETY: `env` is live during module init; `teardown` takes its argument as an env id
    // (a plain integer smuggled in the pointer, never dereferenced).
    let status = unsafe {
        napi::sys::napi_add_env_cleanup_hook(
            env.raw(),
            Some(teardown),
            id as usize as *mut std::os::raw::c_void,
        )
    };
    if status != napi::sys::Status::napi_ok {
        return Err(napi::Error::from_reason("napi_add_env_cleanup_hook failed"));
    }
    Ok(())
}

/// The env (a worker, or the main thread at exit) is going away: what its objects' napi
/// finalizers did before slots.rs, done here. The thread-bound objects it made and did not close
/// (Polls, sockets and pipe ends, WaitContexts) are dropped, so that their fds return; Wakers,
/// SyncEvents and AtomicWakers stay until `close()` (or, for Wakers, their Poll's end), as a
/// garbage collection never ended them either.
unsafe extern "C" fn teardown(arg: *mut std::os::raw::c_void) {
    let id = arg as usize as u32;
    for poll in poll::POLLS.remove_owned_by(id) {
        // pollAsync's handle, unless its own teardown hook closed it already.
        poll.close_watch();
    }
    drop(net::SOCKETS.remove_owned_by(id));
    drop(wait_context::WAIT_CONTEXTS.remove_owned_by(id));
    // What its waitAsyncs held of shared SyncEvents and Timers, if it was terminated in one.
    thread_held::give_back_all();
}
