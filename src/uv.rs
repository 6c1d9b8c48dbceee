//! The few libuv functions the binding calls, looked up in the host process at run time.
//!
//! Node exports libuv from its own binary, as it does the napi_* functions. Other hosts of
//! Node-API modules do not, or not all of it: Deno exports part of libuv's API (no
//! `uv_backend_fd`), so a module that *links* against that symbol does not even load there
//! (`undefined symbol: uv_backend_fd` from dlopen); Bun exports every name but most are stubs
//! that abort the process. So nothing here is linked: [`Uv::resolve`] looks the functions up
//! in the host (through napi-rs' own host lookup, `napi::sys::setup`, which works on every
//! platform), and runtime.rs hands the table out only where the host is Node.

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

/// libuv's functions, as the host exports them.
pub(crate) struct Uv {
    pub(crate) handle_size: unsafe extern "C" fn(kind: c_int) -> usize,
    /// `uv_poll_init_socket`: `uv_os_sock_t` is an `int` fd on Unix (where this is exactly
    /// `uv_poll_init`) and a `SOCKET` on Windows, the same two types as the core's
    /// `RawSource`, so the one signature is right on every platform.
    pub(crate) poll_init_socket: unsafe extern "C" fn(
        loop_: *mut sys::uv_loop_s,
        handle: *mut c_void,
        socket: wakepoll::event::RawSource,
    ) -> c_int,
    pub(crate) async_init: unsafe extern "C" fn(
        loop_: *mut sys::uv_loop_s,
        handle: *mut c_void,
        cb: AsyncCallback,
    ) -> c_int,
    /// The one libuv call that is safe from any thread.
    pub(crate) async_send: unsafe extern "C" fn(handle: *mut c_void) -> c_int,
    pub(crate) poll_start:
        unsafe extern "C" fn(handle: *mut c_void, events: c_int, cb: PollCallback) -> c_int,
    pub(crate) poll_stop: unsafe extern "C" fn(handle: *mut c_void) -> c_int,
    /// `uv_ref` / `uv_unref`: whether an active handle keeps the loop alive (idempotent).
    pub(crate) ref_: unsafe extern "C" fn(handle: *mut c_void),
    pub(crate) unref: unsafe extern "C" fn(handle: *mut c_void),
    pub(crate) close: unsafe extern "C" fn(handle: *mut c_void, cb: CloseCallback),
    pub(crate) backend_fd: unsafe extern "C" fn(loop_: *const sys::uv_loop_s) -> c_int,
    /// The name of a libuv error (`"EEXIST"`) into `buf`, NUL-terminated ("Unknown system
    /// error N" for others).
    pub(crate) err_name_r:
        unsafe extern "C" fn(err: c_int, buf: *mut c_char, len: usize) -> *mut c_char,
    /// The description of a libuv error into `buf`, as `util.getSystemErrorMessage` gives it.
    pub(crate) strerror_r:
        unsafe extern "C" fn(err: c_int, buf: *mut c_char, len: usize) -> *mut c_char,
}

impl Uv {
    /// Looks every function up in the host process; `None` if any is missing.
    ///
    /// Only for a host known to implement them (runtime.rs): a name that resolves may still be
    /// a stub that aborts (Bun).
    pub(crate) fn resolve() -> Option<Uv> {
        // SAFETY: napi-rs' loader of the host's symbols: it opens the running process (no new
        // library is loaded) and re-reads the napi_* functions, storing the same pointers it
        // stored when this module was registered — as napi-rs itself does at the registration
        // in every worker. Called once per process (runtime.rs).
        let host = unsafe { sys::setup() };
        macro_rules! get {
            ($name:literal) => {
                // SAFETY: the symbol, if present, is libuv's function of that name, whose C
                // signature is the field's type (uv.h); the host process outlives every call.
                match unsafe { host.get(concat!($name, "\0").as_bytes()) } {
                    Ok(symbol) => *symbol,
                    Err(_) => return None,
                }
            };
        }
        Some(Uv {
            handle_size: get!("uv_handle_size"),
            poll_init_socket: get!("uv_poll_init_socket"),
            async_init: get!("uv_async_init"),
            async_send: get!("uv_async_send"),
            poll_start: get!("uv_poll_start"),
            poll_stop: get!("uv_poll_stop"),
            ref_: get!("uv_ref"),
            unref: get!("uv_unref"),
            close: get!("uv_close"),
            backend_fd: get!("uv_backend_fd"),
            err_name_r: get!("uv_err_name_r"),
            strerror_r: get!("uv_strerror_r"),
        })
        // `host` only closes the handle to the running process, which stays loaded.
    }
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

/// The libuv loop of the env's thread. Only where the host has libuv (runtime.rs).
pub(crate) fn event_loop(env: &napi::Env) -> Option<*mut sys::uv_loop_s> {
    let mut uv_loop = std::ptr::null_mut();
    // SAFETY: `env` is the live env of the current call; the out pointer is valid.
    let status = unsafe { sys::napi_get_uv_event_loop(env.raw(), &mut uv_loop) };
    (status == sys::Status::napi_ok && !uv_loop.is_null()).then_some(uv_loop)
}
