//! Which runtime hosts this module, and so whether libuv may be called.
//!
//! Node-API modules also load in Bun and Deno, which implement Node-API but not libuv (Bun
//! aborts the process on a libuv function it lacks; Deno lacks some of them outright). The
//! binding uses libuv for two things only, and each has a path without it:
//! * a blocking wait watches the thread's loop fd to learn that the thread is being stopped
//!   (thread_stop.rs); without it, it waits in slices and asks between them;
//! * pollAsync lets the loop watch the selector (poll_async.rs); without it, a waiter thread of
//!   ours waits and calls back through a Node-API threadsafe function.
//!
//! The host is read once per process from `process.versions` (`bun`, `deno`; `node` alone is
//! Node, or a Node embedder such as Electron, which exports libuv as Node does) and the
//! globals `Bun` and `Deno`; a host it cannot name counts as one without libuv. libuv is
//! used only under Node, after its functions were all found (uv.rs). `WAKEPOLL_NO_LIBUV=1`
//! takes the paths without libuv under Node too, so that Node's test suite covers them.

use std::ffi::CStr;
use std::ptr;
use std::sync::OnceLock;

use napi::{sys, Env};

use crate::uv::Uv;

/// The host runtime, as far as the binding cares.
pub(crate) struct Host {
    /// `"node"`, `"bun"`, `"deno"`, or `"unknown"`.
    pub(crate) name: &'static str,
    /// Its version as `process.versions` reports it (empty if unknown).
    pub(crate) version: String,
    /// libuv, where the host is Node and exports all of it that the binding calls.
    pub(crate) uv: Option<Uv>,
}

impl Host {
    /// For error messages: `"bun 1.4.4"`, `"deno 2.9.6"`, `"node 22.1.0"`.
    pub(crate) fn describe(&self) -> String {
        if self.version.is_empty() {
            self.name.to_owned()
        } else {
            format!("{} {}", self.name, self.version)
        }
    }
}

static HOST: OnceLock<Host> = OnceLock::new();

/// The host, detected at the first call (every thread of a process has the same one).
pub(crate) fn host(env: &Env) -> &'static Host {
    HOST.get_or_init(|| detect(env))
}

/// libuv's functions, if the binding may call them here.
pub(crate) fn uv(env: &Env) -> Option<&'static Uv> {
    host(env).uv.as_ref()
}

fn detect(env: &Env) -> Host {
    let raw = env.raw();
    let global = global(raw);
    let versions =
        property(raw, global, c"process").and_then(|p| property(raw, Some(p), c"versions"));
    let version_of = |key: &CStr| versions.and_then(|v| string_property(raw, v, key));
    // The runtimes' own globals too, should `process.versions` ever pose as Node's alone.
    let has_global = |key: &CStr| property(raw, global, key).is_some();
    let (name, version) = if let Some(v) = version_of(c"bun") {
        ("bun", v)
    } else if let Some(v) = version_of(c"deno") {
        ("deno", v)
    } else if has_global(c"Bun") {
        ("bun", String::new())
    } else if has_global(c"Deno") {
        ("deno", String::new())
    } else if let Some(v) = version_of(c"node") {
        ("node", v)
    } else {
        ("unknown", String::new())
    };
    let forced_off = std::env::var_os("WAKEPOLL_NO_LIBUV").is_some_and(|v| v == "1");
    let uv = (name == "node" && !forced_off).then(Uv::resolve).flatten();
    Host { name, version, uv }
}

fn global(env: sys::napi_env) -> Option<sys::napi_value> {
    let mut global = ptr::null_mut();
    // SAFETY: `env` is the live env of the current call; the out pointer is valid.
    let status = unsafe { sys::napi_get_global(env, &mut global) };
    (status == sys::Status::napi_ok && !global.is_null()).then_some(global)
}

/// `object[key]` if it is an object.
fn property(
    env: sys::napi_env,
    object: Option<sys::napi_value>,
    key: &CStr,
) -> Option<sys::napi_value> {
    let object = object?;
    let mut value = ptr::null_mut();
    let mut kind = 0;
    // SAFETY: `object` is a value of the live `env`; `key` is NUL-terminated; out pointers are
    // valid. A getter that throws leaves an exception pending, which is cleared below.
    let ok = unsafe {
        sys::napi_get_named_property(env, object, key.as_ptr(), &mut value) == sys::Status::napi_ok
            && sys::napi_typeof(env, value, &mut kind) == sys::Status::napi_ok
    };
    if !ok {
        clear_exception(env);
        return None;
    }
    (kind == sys::ValueType::napi_object).then_some(value)
}

/// `object[key]` if it is a string.
fn string_property(env: sys::napi_env, object: sys::napi_value, key: &CStr) -> Option<String> {
    let mut value = ptr::null_mut();
    let mut kind = 0;
    // SAFETY: as in `property`.
    let ok = unsafe {
        sys::napi_get_named_property(env, object, key.as_ptr(), &mut value) == sys::Status::napi_ok
            && sys::napi_typeof(env, value, &mut kind) == sys::Status::napi_ok
    };
    if !ok {
        clear_exception(env);
        return None;
    }
    if kind != sys::ValueType::napi_string {
        return None;
    }
    let mut buf = [0u8; 64];
    let mut len = 0usize;
    // SAFETY: `value` is a string of `env`; the buffer and its length are valid.
    let status = unsafe {
        sys::napi_get_value_string_utf8(env, value, buf.as_mut_ptr().cast(), buf.len(), &mut len)
    };
    (status == sys::Status::napi_ok).then(|| String::from_utf8_lossy(&buf[..len]).into_owned())
}

fn clear_exception(env: sys::napi_env) {
    let mut pending = false;
    // SAFETY: `env` is live; out pointers are valid.
    unsafe {
        if sys::napi_is_exception_pending(env, &mut pending) == sys::Status::napi_ok && pending {
            let mut ignored = ptr::null_mut();
            sys::napi_get_and_clear_last_exception(env, &mut ignored);
        }
    }
}

/// Works around napi-rs 3.16's env cleanup hook `reflect_intrinsics_env_cleanup`, which calls
/// `napi_get_and_clear_last_exception` with no handle scope when an exception is pending at
/// teardown — as it is in a worker stopped by `worker.terminate()` — and so makes V8 abort
/// the whole process ("Cannot create a handle without a HandleScope"). Cleanup hooks run last
/// added first, so this one, added at module init after napi-rs's, runs before it and clears
/// the exception inside a handle scope of its own; napi-rs's hook then finds none pending.
pub(crate) fn guard_teardown(env: &Env) {
    unsafe extern "C" fn clear_at_teardown(arg: *mut std::ffi::c_void) {
        let env = arg as sys::napi_env;
        let mut scope = ptr::null_mut();
        // SAFETY: Node runs env cleanup hooks on the env's thread while the env is alive; the
        // scope is closed before returning.
        unsafe {
            if sys::napi_open_handle_scope(env, &mut scope) != sys::Status::napi_ok {
                return;
            }
            clear_exception(env);
            sys::napi_close_handle_scope(env, scope);
        }
    }
    // SAFETY: `env` is the live env of module init; the hook's argument is the env itself,
    // unique per env as Node requires. A failure only leaves napi-rs's behaviour as it is.
    unsafe {
        sys::napi_add_env_cleanup_hook(env.raw(), Some(clear_at_teardown), env.raw().cast());
    }
}
