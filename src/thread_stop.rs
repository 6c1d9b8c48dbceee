//! How a thread blocked in `poll` learns that Node is stopping it.
//!
//! `worker.terminate()`, and `process.exit()` (which stops and joins every worker), end a
//! worker through `Environment::ExitEnv`: it requests `TerminateExecution` on the worker's
//! isolate and then wakes the worker's libuv loop with `uv_async_send`. A native call blocked
//! in `epoll_wait` would never notice either, and Node would wait for it forever. Cleanup hooks
//! cannot help: they run on the blocked thread itself, after the call returns.
//!
//! So each Poll also watches the libuv loop of the thread that created it (a Poll never leaves
//! its thread): the loop's backend fd is registered in the Poll's selector, edge-triggered,
//! under a token no JavaScript token can equal. The `uv_async_send` of a stop makes that fd
//! readable and ends the wait. Other libuv activity on the thread (a message posted to the
//! worker, a socket of node:net) ends it too; then [`is_stopping`] tells the two apart by
//! running a trivial script: V8 refuses to run JavaScript once termination was requested, so
//! the poll returns into the termination instead of waiting again.

use std::time::Duration;

use napi::{sys, Env, JsValue};
use wakepoll::event::RawSource;
use wakepoll::Token;

use crate::{runtime, uv};

/// The token of the thread's libuv loop fd in every Poll's selector (above every JS token).
pub(crate) const LOOP_TOKEN: Token = Token(usize::MAX - 1);

/// The longest a blocking wait blocks at once when its selector cannot watch the loop (on
/// Windows, where libuv's loop is a completion port and `uv_backend_fd` is -1; under a host
/// without libuv; or when the registration failed): between slices it asks [`is_stopping`], so that `worker.terminate()`
/// still ends it well under the contract's 100 ms. A slice costs one wake-up and one trivial
/// script every 20 ms of a long wait, nothing on the path of an event.
pub(crate) const STOP_PROBE_SLICE: Duration = Duration::from_millis(20);

/// The fd of the calling thread's libuv loop (its epoll/kqueue fd), if it has one. libuv
/// reports -1 where the loop has no such fd (Windows), and a host without libuv (Bun, Deno:
/// runtime.rs) has none to ask for: then `None`, and blocking waits probe in slices
/// ([`STOP_PROBE_SLICE`]).
pub(crate) fn loop_fd(env: &Env) -> Option<RawSource> {
    let uv = runtime::uv(env)?;
    let uv_loop = uv::event_loop(env)?;
    // SAFETY: `uv_loop` is this env's live loop, as napi just returned it.
    let fd = unsafe { (uv.backend_fd)(uv_loop) };
    if fd < 0 {
        return None;
    }
    RawSource::try_from(fd).ok()
}

/// How long one blocking call may block: all of `remaining` while the loop is watched, at most
/// one [`STOP_PROBE_SLICE`] while it is not.
pub(crate) fn slice(remaining: Option<Duration>, loop_watched: bool) -> Option<Duration> {
    if loop_watched {
        return remaining;
    }
    Some(remaining.map_or(STOP_PROBE_SLICE, |r| r.min(STOP_PROBE_SLICE)))
}

/// Whether Node has asked this thread's JavaScript to stop (terminate / exit).
pub(crate) fn is_stopping(env: &Env) -> bool {
    let run = || -> Option<bool> {
        let script = env.create_string("undefined").ok()?;
        let mut result = std::ptr::null_mut();
        // SAFETY: `env` is live and `script` a string value of it. Running a script is the one
        // probe that reaches V8's interrupt check, where a requested termination takes effect.
        let status = unsafe { sys::napi_run_script(env.raw(), script.raw(), &mut result) };
        Some(status != sys::Status::napi_ok)
    };
    run().unwrap_or(true)
}

/// Why a wait stopped without a result: Node is stopping the thread.
const STOPPING: &str = "wakepoll: the thread is stopping";

/// The error a blocking wait returns once [`is_stopping`] said so. The fast paths turn it into
/// a sentinel for the JavaScript wrapper, which ends the thread at once: the probe has already
/// taken V8's termination request, so V8 alone would run a little more of the thread's code.
pub(crate) fn stopping() -> napi::Error {
    napi::Error::new(napi::Status::Cancelled, STOPPING)
}

pub(crate) fn is_stopping_error(err: &napi::Error) -> bool {
    err.status == napi::Status::Cancelled && err.reason == STOPPING
}
