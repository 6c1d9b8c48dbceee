//! The few libuv functions the binding calls. Node exports libuv from its own binary, as it
//! does the napi_* functions, so these resolve when the module is loaded.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

use napi::sys;

/// `UV_ASYNC` of `uv_handle_type`.
pub(crate) const UV_ASYNC: c_int = 1;
/// `UV_POLL` of `uv_handle_type`.
pub(crate) const UV_POLL: c_int = 8;
/// `UV_READABLE` of `uv_poll_event`.
pub(crate) const UV_READABLE: c_int = 1;

pub(crate) type PollCallback =
    unsafe extern "C" fn(handle: *mut c_void, status: c_int, events: c_int);
pub(crate) type CloseCallback = unsafe extern "C" fn(handle: *mut c_void);
pub(crate) type AsyncCallback = unsafe extern "C" fn(handle: *mut c_void);

extern "C" {
    pub(crate) fn uv_handle_size(kind: c_int) -> usize;
    /// `uv_poll_init_socket`: `uv_os_sock_t` is an `int` fd on Unix (where this is exactly
    /// `uv_poll_init`) and a `SOCKET` on Windows, the same two types as the core's
    /// `RawSource`, so the one declaration is right on every platform.
    pub(crate) fn uv_poll_init_socket(
        loop_: *mut sys::uv_loop_s,
        handle: *mut c_void,
        socket: wakepoll::event::RawSource,
    ) -> c_int;
    pub(crate) fn uv_async_init(
        loop_: *mut sys::uv_loop_s,
        handle: *mut c_void,
        cb: AsyncCallback,
    ) -> c_int;
    /// The one libuv call that is safe from any thread.
    pub(crate) fn uv_async_send(handle: *mut c_void) -> c_int;
    pub(crate) fn uv_poll_start(handle: *mut c_void, events: c_int, cb: PollCallback) -> c_int;
    pub(crate) fn uv_poll_stop(handle: *mut c_void) -> c_int;
    pub(crate) fn uv_close(handle: *mut c_void, cb: CloseCallback);
    pub(crate) fn uv_backend_fd(loop_: *const sys::uv_loop_s) -> c_int;
    /// The name of a libuv error (`"EEXIST"`) into `buf`, NUL-terminated ("Unknown system
    /// error N" for others).
    pub(crate) fn uv_err_name_r(err: c_int, buf: *mut c_char, len: usize) -> *mut c_char;
    /// The description of a libuv error into `buf`, as `util.getSystemErrorMessage` gives it.
    pub(crate) fn uv_strerror_r(err: c_int, buf: *mut c_char, len: usize) -> *mut c_char;
}

/// libuv's (so Node's) name and description of the libuv error `err`, when libuv has a name
/// for it. The `_r` calls: the plain ones allocate, and never free, a string for a number
/// libuv does not know.
pub(crate) fn error_text(err: c_int) -> Option<(String, String)> {
    let mut name = [0 as c_char; 64];
    let mut message = [0 as c_char; 256];
    // SAFETY: each buffer is valid for writes of its length; libuv writes at most that many
    // bytes, NUL-terminated (truncating), and keeps no pointer to it.
    let (name, message) = unsafe {
        uv_err_name_r(err, name.as_mut_ptr(), name.len());
        uv_strerror_r(err, message.as_mut_ptr(), message.len());
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

/// Every uv handle starts with `void* data` (UV_HANDLE_FIELDS), the user's pointer.
///
/// # Safety
/// `handle` points to a live uv handle.
pub(crate) unsafe fn set_data(handle: *mut c_void, data: *mut c_void) {
    // SAFETY: the caller passes a live handle; `data` is its first field.
    unsafe { *(handle as *mut *mut c_void) = data };
}

/// # Safety
/// `handle` points to a live uv handle.
pub(crate) unsafe fn data(handle: *mut c_void) -> *mut c_void {
    // SAFETY: the caller passes a live handle; `data` is its first field.
    unsafe { *(handle as *mut *mut c_void) }
}

/// The libuv loop of the env's thread.
pub(crate) fn event_loop(env: &napi::Env) -> Option<*mut sys::uv_loop_s> {
    let mut uv_loop = std::ptr::null_mut();
    // SAFETY: `env` is the live env of the current call; the out pointer is valid.
    let status = unsafe { sys::napi_get_uv_event_loop(env.raw(), &mut uv_loop) };
    (status == sys::Status::napi_ok && !uv_loop.is_null()).then_some(uv_loop)
}
