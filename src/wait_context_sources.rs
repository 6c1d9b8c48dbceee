//! `waitEvents`: crosvm's WaitContext wait that says which way each source is ready.
//!
//! Sources reach a WaitContext through registry.rs's functions (a WaitContext is a registrar
//! there, `-1 - key`), into the core WaitContext's level-triggered registry; this is the wait
//! that reports them with their readiness. fast.rs's `waitContextWaitEvents` calls it.

use std::time::Duration;

use napi::Env;

use crate::blocking_wait;
use crate::wait_context::WaitContextShared;

/// `TriggeredEvent` flags in `waitEvents`' flat result.
const READABLE: u32 = 1;
const WRITABLE: u32 = 2;
const HUNG_UP: u32 = 4;

impl WaitContextShared {
    /// The blocking wait that says which way each source is ready: `[token, flags, token,
    /// flags, …]` (flags: 1 readable, 2 writable, 4 hung up), empty after `timeout_ms`
    /// (`None`: no limit).
    pub(crate) fn wait_events(&self, env: &Env, timeout_ms: Option<f64>) -> napi::Result<Vec<f64>> {
        let timeout = timeout_ms.and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok());
        let events = self.with(env, |ctx| {
            blocking_wait::wait_for(env, ctx.as_pollable(), timeout, |t| {
                let events = ctx.wait_events_timeout(t)?;
                Ok((!events.is_empty()).then_some(events))
            })
        })?;
        Ok(events
            .unwrap_or_default()
            .into_iter()
            .flat_map(|e| {
                let flags = (u32::from(e.is_readable) * READABLE)
                    | (u32::from(e.is_writable) * WRITABLE)
                    | (u32::from(e.is_hungup) * HUNG_UP);
                [e.token.0 as f64, f64::from(flags)]
            })
            .collect())
    }
}
