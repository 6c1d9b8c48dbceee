//! `NativeWaitContext`: crosvm's WaitContext (`wakepoll::sync::WaitContext`) for JavaScript.
//!
//! A WaitContext stays in the thread that made it (it has no handle); its events may be
//! signalled from anywhere. Its waits block in blocking_wait.rs, so that Node can still stop
//! the thread.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;
use wakepoll::sync::WaitContext;

use crate::sync_event::NativeSyncEvent;
use crate::{blocking_wait, errors, fast, token};

pub(crate) struct WaitContextShared {
    inner: RwLock<Option<WaitContext>>,
}

impl WaitContextShared {
    fn with<T>(
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

/// The native half of `WaitContext`.
#[napi]
pub struct NativeWaitContext {
    shared: Arc<WaitContextShared>,
}

impl NativeWaitContext {
    pub(crate) fn with<T>(
        &self,
        env: &Env,
        f: impl FnOnce(&WaitContext) -> napi::Result<T>,
    ) -> napi::Result<T> {
        self.shared.with(env, f)
    }
}

#[napi]
impl NativeWaitContext {
    #[napi(constructor)]
    pub fn new(env: Env) -> napi::Result<NativeWaitContext> {
        let ctx = WaitContext::new().map_err(|e| errors::system(&env, &e))?;
        Ok(NativeWaitContext {
            shared: Arc::new(WaitContextShared {
                inner: RwLock::new(Some(ctx)),
            }),
        })
    }

    /// Watches `event`, reporting `token` while it is signalled.
    #[napi]
    pub fn add(&self, env: Env, event: &NativeSyncEvent, token: f64) -> napi::Result<()> {
        let token = token::from_js(&env, token)?;
        self.with(&env, |ctx| {
            event.shared.with(&env, |event| {
                ctx.add(event, token).map_err(|e| errors::system(&env, &e))
            })
        })
    }

    #[napi]
    pub fn delete(&self, env: Env, event: &NativeSyncEvent) -> napi::Result<()> {
        self.with(&env, |ctx| {
            event.shared.with(&env, |event| {
                ctx.delete(event).map_err(|e| errors::system(&env, &e))
            })
        })
    }

    /// A tagged external for the fast blocking `wait` (fast.rs); lib/wait-context.ts asks once.
    #[napi(ts_return_type = "object")]
    pub fn external<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        fast::external(env, Arc::clone(&self.shared), &fast::WAIT_CONTEXT_TAG)
    }

    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.shared
            .inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_none()
    }

    /// Stops watching every event. Idempotent.
    #[napi]
    pub fn close(&self) {
        drop(
            self.shared
                .inner
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .take(),
        );
    }
}
