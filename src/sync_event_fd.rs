//! `SyncEvent.fromFd` and `syncEvent.fd`: crosvm's Event across processes.
//!
//! The descriptor (an eventfd on Linux, an unlinked FIFO on macOS and FreeBSD, a handle value
//! on Windows) is passed to a child process by the user (a `child_process.spawn` `stdio` entry,
//! `SCM_RIGHTS`, an inherited handle whose value goes in argv), and adopted there. The core checks it before taking it: a closed or negative fd is `EBADF`, an
//! fd of another kind `EINVAL`, and the fd is left alone then.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use napi::Env;
use napi_derive::napi;
use wakepoll::sync::Event;

use crate::errors;
use crate::sync_event::{self, SyncEventShared};

/// Adopts the descriptor `fd` of an event made in another process; it becomes this event's,
/// closed by `close()`. The new event's key.
#[napi]
pub fn sync_event_from_fd(env: Env, fd: i64) -> napi::Result<f64> {
    // SAFETY: the JavaScript API (lib/sync-event.ts, `SyncEvent.fromFd`) documents that the
    // descriptor is handed over: the caller must not use or close it afterwards. The core
    // checks that it is an open Event descriptor before it takes it.
    let event = unsafe { Event::from_raw_descriptor(fd) }.map_err(|e| errors::system(&env, &e))?;
    SyncEventShared::insert(&env, event, Arc::new(AtomicBool::new(false)))
}

/// The descriptor to hand to another process (each clone has its own), ready to be inherited
/// by a child spawned afterwards (on Windows the handle is marked inheritable).
#[napi]
pub fn sync_event_descriptor(env: Env, key: f64) -> napi::Result<i64> {
    sync_event::shared(&env, key)?.with(&env, |event| {
        event
            .inheritable_descriptor()
            .map_err(|e| errors::system(&env, &e))
    })
}
