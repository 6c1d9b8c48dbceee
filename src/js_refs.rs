//! The Node-API references and async contexts that the binding holds past the call that made
//! them (a pending pollAsync's events arrays, callback and async context): made and given back
//! only here, and counted.
//!
//! Node gives back neither for us: a reference is the addon's to delete (an env's teardown only
//! unlinks the addon's references from its list) and an async context the addon's to destroy.
//! So each one made must be given back on every path — also when Node tears a worker down
//! with a wait pending. [`held_js_handles`] is the count of those still held, a diagnostic for
//! the tests (`__test__/teardown-pending.test.ts`), exact where resident memory is noise.

use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};

use napi::{sys, Env, JsValue};
use napi_derive::napi;

static REFERENCES: AtomicU32 = AtomicU32::new(0);
static ASYNC_CONTEXTS: AtomicU32 = AtomicU32::new(0);

/// A strong reference to `value`; given back with [`delete_reference`].
pub(crate) fn reference(env: sys::napi_env, value: sys::napi_value) -> napi::Result<sys::napi_ref> {
    let mut result = ptr::null_mut();
    // SAFETY: `value` is a value of the live `env` of the current call.
    let status = unsafe { sys::napi_create_reference(env, value, 1, &mut result) };
    if status != sys::Status::napi_ok || result.is_null() {
        return Err(napi::Error::from_reason("napi_create_reference failed"));
    }
    REFERENCES.fetch_add(1, Ordering::Relaxed);
    Ok(result)
}

/// Deletes `*reference` unless it is null, and makes it null: a second call does nothing.
///
/// # Safety
/// `*reference` is null or a reference made by [`reference`] in `env`, on `env`'s thread, and
/// `env` is still whole: inside a call, a callback of its loop, or a cleanup hook (an async one
/// before it returns) — not after its teardown has run past the addon's hooks.
pub(crate) unsafe fn delete_reference(env: sys::napi_env, reference: &mut sys::napi_ref) {
    let taken = std::mem::take(reference);
    if taken.is_null() {
        return;
    }
    // SAFETY: forwarded from the caller; deleted once (the field is null from now on).
    unsafe { sys::napi_delete_reference(env, taken) };
    REFERENCES.fetch_sub(1, Ordering::Relaxed);
}

/// An async context named `name` (for `napi_make_callback`); given back with
/// [`destroy_async_context`].
pub(crate) fn async_context(env: &Env, name: &str) -> napi::Result<sys::napi_async_context> {
    let name = env.create_string(name)?;
    let mut context = ptr::null_mut();
    // SAFETY: `env` is live and `name` is one of its strings.
    let status =
        unsafe { sys::napi_async_init(env.raw(), ptr::null_mut(), name.raw(), &mut context) };
    if status != sys::Status::napi_ok || context.is_null() {
        return Err(napi::Error::from_reason("napi_async_init failed"));
    }
    ASYNC_CONTEXTS.fetch_add(1, Ordering::Relaxed);
    Ok(context)
}

/// Destroys `*context` unless it is null, and makes it null: a second call does nothing.
///
/// # Safety
/// As [`delete_reference`], for a context made by [`async_context`].
pub(crate) unsafe fn destroy_async_context(
    env: sys::napi_env,
    context: &mut sys::napi_async_context,
) {
    let taken = std::mem::take(context);
    if taken.is_null() {
        return;
    }
    // SAFETY: forwarded from the caller; destroyed once (the field is null from now on).
    unsafe { sys::napi_async_destroy(env, taken) };
    ASYNC_CONTEXTS.fetch_sub(1, Ordering::Relaxed);
}

/// How many references and async contexts the binding holds now, in every thread.
#[napi(object)]
pub struct HeldJsHandles {
    pub references: u32,
    pub async_contexts: u32,
}

/// Internal diagnostic for the tests (not part of the API): the references and async contexts
/// held now, process-wide.
#[napi]
pub fn held_js_handles() -> HeldJsHandles {
    HeldJsHandles {
        references: REFERENCES.load(Ordering::Relaxed),
        async_contexts: ASYNC_CONTEXTS.load(Ordering::Relaxed),
    }
}
