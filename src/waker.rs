//! Waker: wakes a Poll from any worker.
//!
//! The core Waker sits in the [`WAKERS`] slab (slots.rs) from `new Waker` until `close()` (on
//! any of its JavaScript objects, in any worker) or its Poll's end — never until a garbage
//! collection. Every JavaScript Waker object for it, the first one and each `fromHandle` in any
//! worker, is plain JavaScript holding the same key: `fromHandle` allocates nothing native, so
//! a thread may make one per wake for ever without its memory growing. The handle string is
//! the key under the handle table's tag (`handles::handle`), so a forged one is still
//! `ERR_INVALID_HANDLE` and one of a closed Waker `ERR_CLOSED`.
//!
//! `wake` (fast.rs) borrows the slot under its read lock, so that `close()` (the write lock)
//! never closes the eventfd under a concurrent write.

use napi::Env;
use napi_derive::napi;

use crate::handles::{self, Kind};
use crate::poll::POLLS;
use crate::slots;
use crate::waker_table::{close_key, WAKERS};
use crate::{errors, token};

/// Wakes the Waker of `key`, or fails with `ERR_CLOSED`.
pub(crate) fn wake(env: &Env, key: Option<u64>) -> napi::Result<()> {
    match key.and_then(|key| WAKERS.borrow(key)) {
        Some(waker) => waker.wake().map_err(|e| errors::system(env, &e)),
        None => Err(errors::closed(env, "Waker")),
    }
}

/// `new Waker(registry, token)`: the key of a new Waker of the Poll whose key is `poll`.
#[napi]
pub fn waker_new(env: Env, poll: f64, token: f64) -> napi::Result<f64> {
    let token = token::from_js(&env, token)?;
    let Some(shared) = slots::key(poll).and_then(|key| POLLS.get(key)) else {
        return Err(errors::closed(&env, "Poll"));
    };
    shared.with_registry(&env, |core_registry| {
        let waker =
            wakepoll::Waker::new(core_registry, token).map_err(|e| errors::system(&env, &e))?;
        let key = WAKERS
            .insert(waker)
            .ok_or_else(|| slots::full(&env, "Waker"))?;
        shared.adopt_waker(key);
        // A close() of the Poll that ran between with_registry's check and adopt_waker has
        // ended the others but not this one: end it too.
        if shared.is_closed() {
            close_key(key);
            return Err(errors::closed(&env, "Poll"));
        }
        Ok(key as f64)
    })
}

/// `Waker.fromHandle(handle)`: the key the handle names (no new native state).
#[napi]
pub fn waker_from_handle(env: Env, handle: String) -> napi::Result<f64> {
    let Some(key) = handles::parse(Kind::Waker, &handle) else {
        return Err(errors::invalid_handle(&env, "Waker"));
    };
    if !WAKERS.contains(key) {
        return Err(errors::closed(&env, "Waker"));
    }
    Ok(key as f64)
}

#[napi]
pub fn waker_handle(env: Env, key: f64) -> napi::Result<String> {
    match slots::key(key).filter(|key| WAKERS.contains(*key)) {
        Some(key) => Ok(handles::handle(Kind::Waker, key)),
        None => Err(errors::closed(&env, "Waker")),
    }
}

#[napi]
pub fn waker_closed(key: f64) -> bool {
    !slots::key(key).is_some_and(|key| WAKERS.contains(key))
}

#[napi]
pub fn waker_close(key: f64) {
    if let Some(key) = slots::key(key) {
        close_key(key);
    }
}
