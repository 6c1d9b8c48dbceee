//! The napi binding of wakepoll: glue only. One file per JavaScript class; the handle table
//! and error mapping each in their own file. No OS logic lives here: that is the core's.
#![deny(clippy::all)]

mod errors;
mod events;
mod handles;
mod poll;
mod poll_async;
mod registry;
mod thread_stop;
mod token;
mod uv;
mod waker;
