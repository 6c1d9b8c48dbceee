//! The two hot calls, `wake` and `poll`, as plain Node-API callbacks.
//!
//! `wake` and `poll` are the path of every wake-up, so they skip napi-rs's argument handling:
//! each takes the object's key (slots.rs) as its first argument, a Number read with one
//! `napi_get_value_double`, and borrows the slot (no global lock, no type-tag lookup, no
//! external with a finalizer that would wait for the event loop).
//!
//! The same goes for a socket's `read`/`write` (net.rs: `netRead`, `netWrite`) and the
//! blocking waits of SyncEvent, WaitContext and Timer.
//!
//! Everything else (construction, close, handles) is plain `#[napi]` functions taking the key.

use std::ptr;

use napi::bindgen_prelude::{Object, ToNapiValue, Unknown};
use napi::{sys, Env};

use crate::napi_raw::{args, stopping, throw, timeout_ms, typed_array};
use crate::{
    errors, net, net_fds, poll, slots, sync_event, thread_stop, timer, wait_context, waker,
};

/// The slot key (slots.rs) that `value` holds; `None` (found nowhere: `ERR_CLOSED`) for
/// anything else.
///
/// # Safety
/// `value` is a live value of `env`, the env of the running callback.
unsafe fn key(env: sys::napi_env, value: sys::napi_value) -> Option<u64> {
    // SAFETY: forwarded from the caller.
    unsafe { crate::napi_raw::number(env, value) }.and_then(slots::key)
}

/// `wake(key)`.
unsafe extern "C" fn wake(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    let [key] = unsafe { args::<1>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: `key` is an argument of this callback.
    match waker::wake(&js_env, unsafe { self::key(env, key) }) {
        Ok(()) => ptr::null_mut(),
        Err(err) => throw(env, err),
    }
}

/// `poll(key, tokens, flags, timeoutMs | null) → count`.
unsafe extern "C" fn poll(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    let [key, tokens, flags, timeout] = unsafe { args::<4>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: `key` is an argument of this callback.
    let found = unsafe { self::key(env, key) }.and_then(|key| poll::POLLS.get(key));
    let Some(shared) = found else {
        return throw(env, errors::closed(&js_env, "Poll"));
    };
    // SAFETY: arguments of this callback; the arrays belong to an `Events` of this thread
    // (never a shared buffer) and this thread's JavaScript is blocked in this call, so no one
    // else touches them while the slices live.
    let arrays = unsafe {
        (
            typed_array::<f64>(env, tokens, sys::TypedarrayType::float64_array),
            typed_array::<u8>(env, flags, sys::TypedarrayType::uint8_array),
        )
    };
    let (Some(tokens), Some(flags)) = arrays else {
        return throw(
            env,
            errors::js_error(
                &js_env,
                errors::Class::TypeError,
                "ERR_INVALID_ARG_TYPE",
                "expected the arrays of an Events",
            ),
        );
    };
    // SAFETY: `timeout` is an argument of this callback.
    let timeout_ms = unsafe { timeout_ms(env, timeout) };
    match poll::poll_blocking(&js_env, &shared, tokens, flags, timeout_ms) {
        // SAFETY: `env` is the env of this callback.
        Ok(count) => unsafe { u32::to_napi_value(env, count) }.unwrap_or(ptr::null_mut()),
        // SAFETY: as above.
        Err(err) if thread_stop::is_stopping_error(&err) => unsafe { stopping(env) },
        Err(err) => throw(env, err),
    }
}

/// The shape every blocking wait shares: `(key, timeoutMs | null)`; the object of `key`
/// (`ERR_CLOSED` naming `what` when it is gone); the wait; its result for JavaScript. A wait
/// that a terminating worker interrupted returns the "stopping" sentinel, so that the
/// termination stays pending for Node. Plain Node-API calls like `poll`, for the same reason.
///
/// # Safety
/// `env` and `info` are those of the running callback.
unsafe fn blocking_wait<S, R: ToNapiValue>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    what: &str,
    lookup: impl FnOnce(u64) -> Option<S>,
    wait: impl FnOnce(&Env, &S, Option<f64>) -> napi::Result<R>,
) -> sys::napi_value {
    // SAFETY: forwarded: the arguments of the running callback.
    let [key, timeout] = unsafe { args::<2>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: `key` is an argument of the running callback.
    let Some(source) = unsafe { self::key(env, key) }.and_then(lookup) else {
        return throw(env, errors::closed(&js_env, what));
    };
    // SAFETY: `timeout` is an argument of the running callback.
    match wait(&js_env, &source, unsafe { timeout_ms(env, timeout) }) {
        // SAFETY: `env` is the env of the running callback.
        Ok(result) => unsafe { R::to_napi_value(env, result) }.unwrap_or(ptr::null_mut()),
        // SAFETY: as above.
        Err(err) if thread_stop::is_stopping_error(&err) => unsafe { stopping(env) },
        Err(err) => throw(env, err),
    }
}

/// `syncEventWait(key, timeoutMs | null) → signalled`: the blocking SyncEvent wait.
unsafe extern "C" fn sync_event_wait(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let lookup = |key| sync_event::SYNC_EVENTS.get(key);
    // SAFETY: the arguments of this callback.
    unsafe {
        blocking_wait(env, info, "SyncEvent", lookup, |env, event, ms| {
            event.wait(env, ms)
        })
    }
}

/// `waitContextWait(key, timeoutMs | null) → tokens`: the blocking WaitContext wait.
unsafe extern "C" fn wait_context_wait(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let lookup = |key| wait_context::WAIT_CONTEXTS.get(key);
    // SAFETY: the arguments of this callback.
    unsafe {
        blocking_wait(env, info, "WaitContext", lookup, |env, ctx, ms| {
            ctx.wait(env, ms)
        })
    }
}

/// `waitContextWaitEvents(key, timeoutMs | null) → [token, flags, …]`: the blocking
/// WaitContext wait that says which way each source is ready (wait_context_sources.rs).
unsafe extern "C" fn wait_context_wait_events(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let lookup = |key| wait_context::WAIT_CONTEXTS.get(key);
    // SAFETY: the arguments of this callback.
    unsafe {
        blocking_wait(env, info, "WaitContext", lookup, |env, ctx, ms| {
            ctx.wait_events(env, ms)
        })
    }
}

/// `timerWait(key, timeoutMs | null) → expirations`: the blocking Timer wait (0 after the
/// timeout).
unsafe extern "C" fn timer_wait(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let lookup = |key| timer::TIMERS.get(key);
    // SAFETY: the arguments of this callback.
    unsafe {
        blocking_wait(env, info, "Timer", lookup, |env, timer, ms| {
            Ok(timer.wait(env, ms)? as f64)
        })
    }
}

/// Adds the raw callbacks (`wake`, `poll`, the blocking waits, `netRead`, `netWrite`,
/// `netSendWithFds`, `netRecvWithFds`) to the module's exports (called from lib.rs's module init).
pub(crate) fn export(env: &Env, exports: &mut Object) -> napi::Result<()> {
    for (name, callback) in [
        (
            c"wake",
            wake as unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value,
        ),
        (c"poll", poll),
        (c"syncEventWait", sync_event_wait),
        (c"waitContextWait", wait_context_wait),
        (c"waitContextWaitEvents", wait_context_wait_events),
        (c"timerWait", timer_wait),
        (c"netRead", net::net_read),
        (c"netWrite", net::net_write),
        (c"netSendWithFds", net_fds::net_send_with_fds),
        (c"netRecvWithFds", net_fds::net_recv_with_fds),
    ] {
        let mut function = ptr::null_mut();
        // SAFETY: `env` is live during module init; `name` is NUL-terminated.
        let status = unsafe {
            sys::napi_create_function(
                env.raw(),
                name.as_ptr(),
                name.to_bytes().len() as isize,
                Some(callback),
                ptr::null_mut(),
                &mut function,
            )
        };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason("napi_create_function failed"));
        }
        // SAFETY: `function` is a live value of `env`.
        let function = unsafe { Unknown::from_raw_unchecked(env.raw(), function) };
        exports.set(name.to_str().unwrap_or("fast"), function)?;
    }
    Ok(())
}
