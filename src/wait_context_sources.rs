//! `NativeWaitContext` for any source, as crosvm's WaitContext: the same calls as
//! `NativeRegistry` (`registerFd`, `registerSyncEvent`, `registerSocket`, `registerTimer`, and
//! their `reregister…`/`deregister…`), so that lib/ hands a WaitContext to a source's
//! `SourceOps` exactly as it hands a Registry; the core WaitContext's registry makes them
//! level-triggered. And `waitEvents`, the wait that says which way each source is ready.

use std::time::Duration;

use napi::Env;
use napi_derive::napi;
use wakepoll::event::SourceRaw;
use wakepoll::sync::WaitContext;
use wakepoll::{Interest, Registry, Token};

use crate::net::NativeSocket;
use crate::registry::{interest, raw_source};
use crate::sync_event::NativeSyncEvent;
use crate::timer::with_timer;
use crate::wait_context::NativeWaitContext;
use crate::{blocking_wait, errors, thread_stop, token};

/// `TriggeredEvent` flags in `waitEvents`' flat result.
const READABLE: u32 = 1;
const WRITABLE: u32 = 2;
const HUNG_UP: u32 = 4;

impl NativeWaitContext {
    /// Checks token and interest, then runs `op` with the context's (level-triggered) registry.
    fn change(
        &self,
        env: &Env,
        token: f64,
        interest_bits: u32,
        op: impl FnOnce(&Registry, Token, Interest) -> std::io::Result<()>,
    ) -> napi::Result<()> {
        let token = token::from_js(env, token)?;
        let interest = interest(env, interest_bits)?;
        self.with(env, |ctx| {
            op(ctx.registry(), token, interest).map_err(|e| errors::system(env, &e))
        })
    }

    fn remove(
        &self,
        env: &Env,
        op: impl FnOnce(&Registry) -> std::io::Result<()>,
    ) -> napi::Result<()> {
        self.with(env, |ctx| {
            op(ctx.registry()).map_err(|e| errors::system(env, &e))
        })
    }
}

#[napi]
impl NativeWaitContext {
    #[napi]
    pub fn register_fd(
        &self,
        env: Env,
        fd: i32,
        token: f64,
        interest_bits: u32,
    ) -> napi::Result<()> {
        let fd = raw_source(&env, fd)?;
        self.change(&env, token, interest_bits, |registry, token, interest| {
            registry.register(&mut SourceRaw(&fd), token, interest)
        })
    }

    #[napi]
    pub fn reregister_fd(
        &self,
        env: Env,
        fd: i32,
        token: f64,
        interest_bits: u32,
    ) -> napi::Result<()> {
        let fd = raw_source(&env, fd)?;
        self.change(&env, token, interest_bits, |registry, token, interest| {
            registry.reregister(&mut SourceRaw(&fd), token, interest)
        })
    }

    #[napi]
    pub fn deregister_fd(&self, env: Env, fd: i32) -> napi::Result<()> {
        let fd = raw_source(&env, fd)?;
        self.remove(&env, |registry| registry.deregister(&mut SourceRaw(&fd)))
    }

    #[napi]
    pub fn register_sync_event(
        &self,
        env: Env,
        event: &NativeSyncEvent,
        token: f64,
        interest_bits: u32,
    ) -> napi::Result<()> {
        event.shared.with(&env, |mut event| {
            self.change(&env, token, interest_bits, |registry, token, interest| {
                registry.register(&mut event, token, interest)
            })
        })
    }

    #[napi]
    pub fn reregister_sync_event(
        &self,
        env: Env,
        event: &NativeSyncEvent,
        token: f64,
        interest_bits: u32,
    ) -> napi::Result<()> {
        event.shared.with(&env, |mut event| {
            self.change(&env, token, interest_bits, |registry, token, interest| {
                registry.reregister(&mut event, token, interest)
            })
        })
    }

    #[napi]
    pub fn deregister_sync_event(&self, env: Env, event: &NativeSyncEvent) -> napi::Result<()> {
        event.shared.with(&env, |mut event| {
            self.remove(&env, |registry| registry.deregister(&mut event))
        })
    }

    #[napi]
    pub fn register_socket(
        &self,
        env: Env,
        socket: &NativeSocket,
        token: f64,
        interest_bits: u32,
    ) -> napi::Result<()> {
        let token = token::from_js(&env, token)?;
        let interest = interest(&env, interest_bits)?;
        self.with(&env, |ctx| {
            socket
                .shared
                .register(&env, ctx.registry(), token, interest)
        })
    }

    #[napi]
    pub fn reregister_socket(
        &self,
        env: Env,
        socket: &NativeSocket,
        token: f64,
        interest_bits: u32,
    ) -> napi::Result<()> {
        let token = token::from_js(&env, token)?;
        let interest = interest(&env, interest_bits)?;
        self.with(&env, |ctx| {
            socket
                .shared
                .reregister(&env, ctx.registry(), token, interest)
        })
    }

    #[napi]
    pub fn deregister_socket(&self, env: Env, socket: &NativeSocket) -> napi::Result<()> {
        self.with(&env, |ctx| socket.shared.deregister(&env, ctx.registry()))
    }

    #[napi]
    pub fn register_timer(
        &self,
        env: Env,
        timer: String,
        token: f64,
        interest_bits: u32,
    ) -> napi::Result<()> {
        with_timer(&env, &timer, |mut timer| {
            self.change(&env, token, interest_bits, |registry, token, interest| {
                registry.register(&mut timer, token, interest)
            })
        })
    }

    #[napi]
    pub fn reregister_timer(
        &self,
        env: Env,
        timer: String,
        token: f64,
        interest_bits: u32,
    ) -> napi::Result<()> {
        with_timer(&env, &timer, |mut timer| {
            self.change(&env, token, interest_bits, |registry, token, interest| {
                registry.reregister(&mut timer, token, interest)
            })
        })
    }

    #[napi]
    pub fn deregister_timer(&self, env: Env, timer: String) -> napi::Result<()> {
        with_timer(&env, &timer, |mut timer| {
            self.remove(&env, |registry| registry.deregister(&mut timer))
        })
    }

    /// The blocking wait that says which way each source is ready: `[token, flags, token,
    /// flags, …]` (flags: 1 readable, 2 writable, 4 hung up), empty after `timeoutMs`; `[-1]`
    /// (odd length) when Node stopped the thread under it (lib/thread-stop.ts's `STOPPING`).
    #[napi]
    pub fn wait_events(&self, env: Env, timeout_ms: Option<f64>) -> napi::Result<Vec<f64>> {
        let timeout = timeout_ms.and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok());
        let outcome = self.with(&env, |ctx: &WaitContext| {
            blocking_wait::wait_for(&env, ctx.as_pollable(), timeout, |t| {
                let events = ctx.wait_events_timeout(t)?;
                Ok((!events.is_empty()).then_some(events))
            })
        });
        match outcome {
            Ok(events) => Ok(events
                .unwrap_or_default()
                .into_iter()
                .flat_map(|e| {
                    let flags = (u32::from(e.is_readable) * READABLE)
                        | (u32::from(e.is_writable) * WRITABLE)
                        | (u32::from(e.is_hungup) * HUNG_UP);
                    [e.token.0 as f64, f64::from(flags)]
                })
                .collect()),
            Err(err) if thread_stop::is_stopping_error(&err) => Ok(vec![-1.0]),
            Err(err) => Err(err),
        }
    }
}
