//! WaitContext: crosvm's WaitContext (`wakepoll::sync::WaitContext`) for JavaScript.
//!
//! It sits in the [`WAIT_CONTEXTS`] slab (slots.rs); the JavaScript object holds the key.
//! `close()` removes it; lib/wait-context.ts's FinalizationRegistry removes one collected
//! without `close()`, lib.rs's teardown those its thread still owns.
//!
//! It takes any source a Registry takes: lib/ registers them through registry.rs's functions,
//! given the WaitContext as a registrar (`-1 - key`), into the core WaitContext's
//! level-triggered registry. `waitEvents` (wait_context_sources.rs) says which way each is ready.
//!
//! A WaitContext stays in the thread that made it (it has no handle); its sources may be
//! signalled from anywhere. Its waits block in blocking_wait.rs, so that Node can still stop
//! the thread.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use napi::Env;
use napi_derive::napi;
use wakepoll::sync::WaitContext;

use crate::slots::{self, Slab};
use crate::{blocking_wait, errors};

/// Every open WaitContext of the process.
pub(crate) static WAIT_CONTEXTS: Slab<Arc<WaitContextShared>> = Slab::new();

pub(crate) fn shared(env: &Env, key: f64) -> napi::Result<Arc<WaitContextShared>> {
    slots::key(key)
        .and_then(|key| WAIT_CONTEXTS.get(key))
        .ok_or_else(|| errors::closed(env, "WaitContext"))
}

pub(crate) struct WaitContextShared {
    inner: RwLock<Option<WaitContext>>,
}

impl WaitContextShared {
    pub(crate) fn with<T>(
        &self,
        env: &Env,
        f: impl FnOnce(&WaitContext) -> napi::Result<T>,
    ) -> napi::Result<T> {
        match self
            .inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            Some(ctx) => f(ctx),
            None => Err(errors::closed(env, "WaitContext")),
        }
    }

    /// The blocking wait (fast.rs calls it): the tokens of the signalled events, once at least
    /// one is, or none after `timeout_ms` (`None`: no limit).
    pub(crate) fn wait(&self, env: &Env, timeout_ms: Option<f64>) -> napi::Result<Vec<f64>> {
        let timeout = timeout_ms.and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok());
        self.with(env, |ctx| {
            let signalled = blocking_wait::wait_for(env, ctx.as_pollable(), timeout, |t| {
                let tokens = ctx.wait_timeout(t)?;
                Ok((!tokens.is_empty()).then_some(tokens))
            })?;
            Ok(signalled
                .unwrap_or_default()
                .into_iter()
                .map(|t| t.0 as f64)
                .collect())
        })
    }
}

#[napi]
pub fn wait_context_new(env: Env) -> napi::Result<f64> {
    let ctx = WaitContext::new().map_err(|e| errors::system(&env, &e))?;
    let shared = Arc::new(WaitContextShared {
        inner: RwLock::new(Some(ctx)),
    });
    WAIT_CONTEXTS
        .insert(shared)
        .map(|key| key as f64)
        .ok_or_else(|| slots::full(&env, "WaitContext"))
}

#[napi]
pub fn wait_context_closed(key: f64) -> bool {
    !slots::key(key).is_some_and(|key| WAIT_CONTEXTS.contains(key))
}

/// Stops watching every event and frees the slot. Idempotent. (Also the
/// FinalizationRegistry's release of one collected without `close()`.)
#[napi]
pub fn wait_context_close(key: f64) {
    if let Some(shared) = slots::key(key).and_then(|key| WAIT_CONTEXTS.remove(key)) {
        drop(
            shared
                .inner
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .take(),
        );
    }
}
