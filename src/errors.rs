//! Every error the binding throws is made here, once: system errors with Node's shape
//! (`code`, `errno`, `syscall`), `ERR_CLOSED`, `ERR_INVALID_HANDLE`, and the rare argument error
//! that only native code can detect (JavaScript validates shapes before calling in).

use std::ffi::CStr;
use std::io;
use std::os::raw::{c_char, c_int};

use napi::bindgen_prelude::Object;
use napi::{sys, Env, JsValue};

use crate::runtime;

/// Which JavaScript constructor the error is made with.
#[derive(Clone, Copy)]
pub(crate) enum Class {
    Error,
    TypeError,
    RangeError,
}

/// A JavaScript error with a `code`, ready to be returned as `Err(..)` from a `#[napi]` call.
pub(crate) fn js_error(env: &Env, class: Class, code: &str, message: &str) -> napi::Error {
    build(env, class, code, message, |_| Ok(()))
}

/// The use of a closed resource.
pub(crate) fn closed(env: &Env, what: &str) -> napi::Error {
    js_error(
        env,
        Class::Error,
        "ERR_CLOSED",
        &format!("{what} is closed"),
    )
}

/// A handle that this process never issued for this type.
pub(crate) fn invalid_handle(env: &Env, expected: &str) -> napi::Error {
    js_error(
        env,
        Class::Error,
        "ERR_INVALID_HANDLE",
        &format!(
            "not a valid {expected} handle: pass the `handle` of a {expected} of this process"
        ),
    )
}

/// An argument out of range that JavaScript could not have checked.
pub(crate) fn out_of_range(env: &Env, name: &str, range: &str) -> napi::Error {
    js_error(
        env,
        Class::RangeError,
        "ERR_OUT_OF_RANGE",
        &format!("The value of \"{name}\" is out of range. It must be {range}."),
    )
}

/// A system error in Node's shape: `EEXIST: already registered, epoll_ctl`, with `code`,
/// `errno` (libuv's negative number, as Node reports it: `util.getSystemErrorName(errno)` is
/// `code` on every platform) and `syscall`. Without a wakepoll description, the message is
/// libuv's, as `util.getSystemErrorMessage` gives it.
pub(crate) fn system(env: &Env, err: &io::Error) -> napi::Error {
    match wakepoll::error::sys_error(err) {
        Some(sys_err) => {
            let errno = sys_err.uv_errno();
            let uv_text = uv_error_text(errno);
            let description = match (sys_err.message(), &uv_text) {
                (Some(own), _) => own.to_owned(),
                (None, Some((_, uv_message))) => uv_message.clone(),
                (None, None) => sys_err.description(),
            };
            let message = format!("{}: {description}, {}", sys_err.code(), sys_err.syscall());
            build(env, Class::Error, sys_err.code(), &message, |obj| {
                obj.set("errno", errno)?;
                obj.set("syscall", sys_err.syscall())
            })
        }
        None => js_error(env, Class::Error, "ERR_WAKEPOLL_IO", &err.to_string()),
    }
}

fn build(
    env: &Env,
    class: Class,
    code: &str,
    message: &str,
    extra: impl FnOnce(&mut Object) -> napi::Result<()>,
) -> napi::Error {
    let made = (|| -> napi::Result<napi::Error> {
        let code_js = env.create_string(code)?;
        let message_js = env.create_string(message)?;
        let create = match class {
            Class::Error => sys::napi_create_error,
            Class::TypeError => sys::napi_create_type_error,
            Class::RangeError => sys::napi_create_range_error,
        };
        let mut raw = std::ptr::null_mut();
        // SAFETY: `env` is the live env of this call; both strings were created in it above.
        let status = unsafe { create(env.raw(), code_js.raw(), message_js.raw(), &mut raw) };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason(message.to_owned()));
        }
        let mut obj = Object::from_raw(env.raw(), raw);
        extra(&mut obj)?;
        Ok(napi::Error::from(obj.to_unknown()))
    })();
    made.unwrap_or_else(|e| e)
}

/// libuv's (so Node's) name and description of the libuv error `err`, when libuv has a name
/// for it. The `_r` calls: the plain ones allocate, and never free, a string for a number
/// libuv does not know.
///
/// `None` where libuv may not be called (Bun, Deno: runtime.rs), or before the host is known;
/// errors.rs then keeps wakepoll's own description.
fn uv_error_text(err: c_int) -> Option<(String, String)> {
    let uv = runtime::known_uv()?;
    let mut name = [0 as c_char; 64];
    let mut message = [0 as c_char; 256];
    // SAFETY: each buffer is valid for writes of its length; libuv writes at most that many
    // bytes, NUL-terminated (truncating), and keeps no pointer to it.
    let (name, message) = unsafe {
        (uv.err_name_r)(err, name.as_mut_ptr(), name.len());
        (uv.strerror_r)(err, message.as_mut_ptr(), message.len());
        (
            CStr::from_ptr(name.as_ptr()),
            CStr::from_ptr(message.as_ptr()),
        )
    };
    let name = name.to_str().ok()?;
    if name.starts_with("Unknown") {
        return None;
    }
    Some((name.to_owned(), message.to_string_lossy().into_owned()))
}
