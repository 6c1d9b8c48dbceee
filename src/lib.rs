//! The napi binding of wakepoll: glue only. One file per JavaScript class; the handle table
//! and error mapping each in their own file. No OS logic lives here: that is the core's.
#![deny(clippy::all)]

mod atomic_waker;
mod blocking_wait;
mod build_info;
mod errors;
mod events;
mod fast;
mod handles;
mod net;
mod poll;
mod poll_async;
mod registry;
mod sync_event;
mod sync_event_fd;
mod thread_stop;
mod timer;
mod token;
mod uv;
mod wait_context;
mod wait_context_sources;
mod waker;

/// Module init, once per env (main thread and each worker): adds the raw fast paths.
#[napi_derive::napi(module_exports)]
pub fn init(mut exports: napi::bindgen_prelude::Object, env: napi::Env) -> napi::Result<()> {
    fast::export(&env, &mut exports)
}
