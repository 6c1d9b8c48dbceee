//! Raw Node-API helpers for the binding's plain callbacks (fast.rs, and net.rs's read/write):
//! reading arguments, numbers and typed arrays, throwing, the stop sentinel.
//!
//! The bottom layer of the binding: it imports no other binding module, and every module that
//! answers a raw Node-API call imports it (src/ has no import circle; see
//! scripts/check-layering.mjs, which CI runs).

use std::ptr;

use napi::bindgen_prelude::ToNapiValue;
use napi::sys;

/// The Number that `value` holds; `None` for anything else.
///
/// # Safety
/// `value` is a live value of `env`, the env of the running callback.
pub(crate) unsafe fn number(env: sys::napi_env, value: sys::napi_value) -> Option<f64> {
    let mut number = 0.0;
    // SAFETY: forwarded from the caller.
    let status = unsafe { sys::napi_get_value_double(env, value, &mut number) };
    (status == sys::Status::napi_ok).then_some(number)
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
pub(crate) unsafe fn stopping(env: sys::napi_env) -> sys::napi_value {
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

/// `timeout` as milliseconds, or `None` for null/undefined.
///
/// # Safety
/// `value` is an argument of the running callback.
pub(crate) unsafe fn timeout_ms(env: sys::napi_env, value: sys::napi_value) -> Option<f64> {
    let mut number = 0.0;
    // SAFETY: forwarded from the caller.
    (unsafe { sys::napi_get_value_double(env, value, &mut number) } == sys::Status::napi_ok)
        .then_some(number)
}

/// The elements of a typed array of the expected kind.
///
/// # Safety
/// `value` is a live value of `env`; the caller guarantees exclusive use while the slice lives.
pub(crate) unsafe fn typed_array<'a, T>(
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
