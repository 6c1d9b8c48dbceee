//! The two hot calls, `wake` and `poll`, as plain Node-API callbacks.
//!
//! napi-rs wraps every class method in its borrow tracking, which takes a process-wide mutex
//! on each call (about 0.4 µs here, and contended between workers). `wake` and `poll` are the
//! path of every wake-up, so they skip it: the JavaScript wrapper holds an *external* (a raw
//! pointer to the shared native state, one `Arc` reference owned by the external and released
//! by its finalizer), and these callbacks take it as their first argument. Each external
//! carries a Node-API type tag, checked on every call, so a foreign or mismatched value is a
//! TypeError, never a bad pointer.
//!
//! The same goes for a socket's `read`/`write` (net.rs: `netRead`, `netWrite`).
//!
//! Everything else (construction, close, handles) stays in the napi-rs classes.

use std::os::raw::c_void;
use std::ptr;
use std::sync::Arc;

use napi::bindgen_prelude::{Object, ToNapiValue, Unknown};
use napi::{sys, Env};

use crate::poll::{self, PollShared};
use crate::sync_event::SyncEventShared;
use crate::wait_context::WaitContextShared;
use crate::waker::WakerShared;
use crate::{errors, thread_stop};

/// Tags the externals of each kind (random constants, as Node-API recommends).
pub(crate) static POLL_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x6a1f_93c2_5e0b_4d71,
    upper: 0xb3d8_0c47_21f9_a6e5,
};
pub(crate) static WAKER_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x2e84_c1d7_9a36_f05b,
    upper: 0x71c9_5b0e_d843_2fa6,
};

pub(crate) static SYNC_EVENT_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x5d02_e7a9_c418_3bf6,
    upper: 0x8a6f_31d5_0b7c_e294,
};
pub(crate) static WAIT_CONTEXT_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0xc37b_0e52_9df1_684a,
    upper: 0x14e8_a6c3_7f25_d90b,
};
pub(crate) static SOCKET_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x5c3e_a817_d20f_64b9,
    upper: 0x94a0_7be6_13c5_d82f,
};

/// A tagged external owning one reference of `value`.
pub(crate) fn external<'env, T: Send + Sync + 'static>(
    env: &'env Env,
    value: Arc<T>,
    tag: &'static sys::napi_type_tag,
) -> napi::Result<Unknown<'env>> {
    unsafe extern "C" fn release<T>(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
        // SAFETY: `data` came from `Arc::into_raw` below; the finalizer runs once.
        drop(unsafe { Arc::from_raw(data as *const T) });
    }
    let data = Arc::into_raw(value) as *mut c_void;
    let mut result = ptr::null_mut();
    // SAFETY: `env` is live; `release::<T>` matches `data`'s type and frees it exactly once.
    let status = unsafe {
        sys::napi_create_external(
            env.raw(),
            data,
            Some(release::<T>),
            ptr::null_mut(),
            &mut result,
        )
    };
    if status != sys::Status::napi_ok {
        // SAFETY: the external was not created, so the reference is still ours.
        drop(unsafe { Arc::from_raw(data as *const T) });
        return Err(napi::Error::from_reason("napi_create_external failed"));
    }
    // SAFETY: `result` is the external just created in `env`.
    let status = unsafe { sys::napi_type_tag_object(env.raw(), result, tag) };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_reason("napi_type_tag_object failed"));
    }
    // SAFETY: `result` is a live value of `env`.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), result) })
}

/// The state behind a tagged external, borrowed for the duration of the call.
///
/// # Safety
/// `value` is a live value of `env`, which is the env of the running callback.
pub(crate) unsafe fn shared<'a, T>(
    env: sys::napi_env,
    value: sys::napi_value,
    tag: &sys::napi_type_tag,
) -> Option<&'a T> {
    let mut tagged = false;
    // SAFETY: forwarded from the caller.
    let ok = unsafe { sys::napi_check_object_type_tag(env, value, tag, &mut tagged) }
        == sys::Status::napi_ok;
    if !ok || !tagged {
        return None;
    }
    let mut data = ptr::null_mut();
    // SAFETY: a value tagged with `tag` is an external made by `external::<T>`.
    if unsafe { sys::napi_get_value_external(env, value, &mut data) } != sys::Status::napi_ok
        || data.is_null()
    {
        return None;
    }
    // SAFETY: the external owns a reference and stays alive while it is an argument of this
    // call, so the pointee outlives the returned borrow.
    Some(unsafe { &*(data as *const T) })
}

/// Up to `N` arguments of the running callback.
///
/// # Safety
/// `env` and `info` are those of the running callback.
pub(crate) unsafe fn args<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> [sys::napi_value; N] {
    let mut argv = [ptr::null_mut(); N];
    let mut argc = N;
    // SAFETY: forwarded; `argv` has room for `argc` values.
    unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if argc < N {
        let mut undefined = ptr::null_mut();
        // SAFETY: forwarded.
        unsafe { sys::napi_get_undefined(env, &mut undefined) };
        argv[argc..].fill(undefined);
    }
    argv
}

/// The sentinel of a wait that Node's stop of the thread ended: -1 (lib/thread-stop.ts).
///
/// # Safety
/// `env` is the env of the running callback.
unsafe fn stopping(env: sys::napi_env) -> sys::napi_value {
    // SAFETY: forwarded from the caller.
    unsafe { i32::to_napi_value(env, -1) }.unwrap_or(ptr::null_mut())
}

/// Throws `err` (unless an exception is already pending) and returns no value.
pub(crate) fn throw(env: sys::napi_env, err: napi::Error) -> sys::napi_value {
    if err.status != napi::Status::PendingException {
        // SAFETY: `env` is the env of the running callback.
        if let Ok(value) = unsafe { napi::Error::to_napi_value(env, err) } {
            // SAFETY: as above; `value` is an error object of this env.
            unsafe { sys::napi_throw(env, value) };
        }
    }
    ptr::null_mut()
}

pub(crate) fn wrong_external(env: &Env, what: &str) -> napi::Error {
    errors::js_error(
        env,
        errors::Class::TypeError,
        "ERR_INVALID_ARG_TYPE",
        &format!("not a {what}"),
    )
}

/// `wake(external)`.
unsafe extern "C" fn wake(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    let [ext] = unsafe { args::<1>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: `ext` is an argument of this callback.
    let Some(waker) = (unsafe { shared::<WakerShared>(env, ext, &WAKER_TAG) }) else {
        return throw(env, wrong_external(&js_env, "Waker"));
    };
    match waker.wake(&js_env) {
        Ok(()) => ptr::null_mut(),
        Err(err) => throw(env, err),
    }
}

/// `poll(external, tokens, flags, timeoutMs | null) → count`.
unsafe extern "C" fn poll(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    let [ext, tokens, flags, timeout] = unsafe { args::<4>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: `ext` is an argument of this callback.
    let Some(shared) = (unsafe { shared::<PollShared>(env, ext, &POLL_TAG) }) else {
        return throw(env, wrong_external(&js_env, "Poll"));
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
    match poll::poll_blocking(&js_env, shared, tokens, flags, timeout_ms) {
        // SAFETY: `env` is the env of this callback.
        Ok(count) => unsafe { u32::to_napi_value(env, count) }.unwrap_or(ptr::null_mut()),
        // SAFETY: as above.
        Err(err) if thread_stop::is_stopping_error(&err) => unsafe { stopping(env) },
        Err(err) => throw(env, err),
    }
}

/// `timeout` as milliseconds, or `None` for null/undefined.
///
/// # Safety
/// `value` is an argument of the running callback.
unsafe fn timeout_ms(env: sys::napi_env, value: sys::napi_value) -> Option<f64> {
    let mut number = 0.0;
    // SAFETY: forwarded from the caller.
    (unsafe { sys::napi_get_value_double(env, value, &mut number) } == sys::Status::napi_ok)
        .then_some(number)
}

/// `syncEventWait(external, timeoutMs | null) → signalled`: the blocking SyncEvent wait. A plain
/// Node-API call like `poll`, so that a termination it returns into stays pending for Node.
unsafe extern "C" fn sync_event_wait(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    let [ext, timeout] = unsafe { args::<2>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: `ext` is an argument of this callback.
    let Some(event) = (unsafe { shared::<SyncEventShared>(env, ext, &SYNC_EVENT_TAG) }) else {
        return throw(env, wrong_external(&js_env, "SyncEvent"));
    };
    // SAFETY: `timeout` is an argument of this callback.
    match event.wait(&js_env, unsafe { timeout_ms(env, timeout) }) {
        // SAFETY: `env` is the env of this callback.
        Ok(signalled) => unsafe { bool::to_napi_value(env, signalled) }.unwrap_or(ptr::null_mut()),
        // SAFETY: as above.
        Err(err) if thread_stop::is_stopping_error(&err) => unsafe { stopping(env) },
        Err(err) => throw(env, err),
    }
}

/// `waitContextWait(external, timeoutMs | null) → tokens`: the blocking WaitContext wait.
unsafe extern "C" fn wait_context_wait(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: the arguments of this callback.
    let [ext, timeout] = unsafe { args::<2>(env, info) };
    let js_env = Env::from_raw(env);
    // SAFETY: `ext` is an argument of this callback.
    let Some(ctx) = (unsafe { shared::<WaitContextShared>(env, ext, &WAIT_CONTEXT_TAG) }) else {
        return throw(env, wrong_external(&js_env, "WaitContext"));
    };
    // SAFETY: `timeout` is an argument of this callback.
    match ctx.wait(&js_env, unsafe { timeout_ms(env, timeout) }) {
        // SAFETY: `env` is the env of this callback.
        Ok(tokens) => unsafe { Vec::<f64>::to_napi_value(env, tokens) }.unwrap_or(ptr::null_mut()),
        // SAFETY: as above.
        Err(err) if thread_stop::is_stopping_error(&err) => unsafe { stopping(env) },
        Err(err) => throw(env, err),
    }
}

/// The elements of a typed array of the expected kind.
///
/// # Safety
/// `value` is a live value of `env`; the caller guarantees exclusive use while the slice lives.
unsafe fn typed_array<'a, T>(
    env: sys::napi_env,
    value: sys::napi_value,
    kind: i32,
) -> Option<&'a mut [T]> {
    let (mut actual, mut length, mut data) = (0, 0usize, ptr::null_mut());
    // SAFETY: forwarded; out pointers are valid, and the two not needed may be null (asking
    // for the ArrayBuffer would create a handle per call).
    let status = unsafe {
        sys::napi_get_typedarray_info(
            env,
            value,
            &mut actual,
            &mut length,
            &mut data,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok || actual != kind || length == 0 || data.is_null() {
        return None;
    }
    // SAFETY: napi reported `length` elements of this kind at `data`.
    Some(unsafe { std::slice::from_raw_parts_mut(data as *mut T, length) })
}

/// Adds `wake`, `poll`, `netRead` and `netWrite` to the module's exports (called from lib.rs's module init).
pub(crate) fn export(env: &Env, exports: &mut Object) -> napi::Result<()> {
    for (name, callback) in [
        (
            c"wake",
            wake as unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value,
        ),
        (c"poll", poll),
        (c"syncEventWait", sync_event_wait),
        (c"waitContextWait", wait_context_wait),
        (c"netRead", crate::net::net_read),
        (c"netWrite", crate::net::net_write),
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
