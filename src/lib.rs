//! The napi binding of wakepoll: glue only. One file per JavaScript class; the handle table
//! and error mapping each in their own file. No OS logic lives here: that is the core's.
#![deny(clippy::all)]

mod errors;
mod events;
mod handles;
mod poll;
mod registry;
mod token;
mod waker;
