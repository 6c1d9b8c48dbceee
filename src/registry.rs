//! Registry: registers sources with a Poll, from any worker.
//!
//! A JavaScript Registry is plain data holding its Poll's key (poll.rs's `POLLS`); these
//! functions take it. `Registry.fromHandle` finds the key through the handle table, which
//! holds Polls weakly; nothing native is made per Registry object.
//!
//! The same functions serve a WaitContext (crosvm's: it takes any source): the number they
//! take is a *registrar* (lib/source.ts's `Registrar`), a Poll's key (≥ 0) or `-1 - key` of a
//! WaitContext (wait_context.rs's `WAIT_CONTEXTS`), whose core registry is level-triggered. So
//! every source's `SourceOps` (lib/) has one set of calls for both.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use napi::Env;
use napi_derive::napi;
use wakepoll::event::{RawSource, SourceRaw};
use wakepoll::Interest;

use crate::handles::{self, Kind, Lookup};
use crate::poll::{self, PollShared};
use crate::{errors, net, sync_event, token, wait_context};

/// A raw fd from JavaScript as the core's `RawSource` (the same `i32` on Unix, a `SOCKET` on
/// Windows, see `wakepoll::event::SourceRaw`); a negative number, which no SOCKET is, fails
/// here with `ENOTSUP`.
pub(crate) fn raw_source(env: &Env, fd: i32) -> napi::Result<RawSource> {
    RawSource::try_from(fd).map_err(|_| {
        let err = wakepoll::error::unsupported("register", "not a raw handle of this platform");
        errors::system(env, &err)
    })
}

pub(crate) fn interest(env: &Env, bits: u32) -> napi::Result<Interest> {
    u8::try_from(bits)
        .ok()
        .and_then(Interest::from_bits)
        .ok_or_else(|| {
            errors::out_of_range(env, "interest", "a non-empty combination of Interest flags")
        })
}

#[napi]
pub fn registry_from_handle(env: Env, handle: String) -> napi::Result<f64> {
    match handles::lookup::<PollShared>(Kind::Registry, &handle) {
        Ok(shared) if !shared.is_closed() => Ok(shared.key.load(Ordering::Acquire) as f64),
        Ok(_) | Err(Lookup::Closed) => Err(errors::closed(&env, "Poll")),
        Err(Lookup::Invalid) => Err(errors::invalid_handle(&env, "Registry")),
    }
}

#[napi]
pub fn registry_handle(env: Env, key: f64) -> napi::Result<String> {
    let shared = poll::shared(&env, key)?;
    if shared.is_closed() {
        return Err(errors::closed(&env, "Poll"));
    }
    Ok(handles::handle(Kind::Registry, shared.id))
}

#[napi]
pub fn registry_register_fd(
    env: Env,
    key: f64,
    fd: i32,
    token: f64,
    interest_bits: u32,
) -> napi::Result<()> {
    let fd = raw_source(&env, fd)?;
    change(
        &env,
        key,
        token,
        interest_bits,
        |registry, token, interest| registry.register(&mut SourceRaw(&fd), token, interest),
    )
}

#[napi]
pub fn registry_reregister_fd(
    env: Env,
    key: f64,
    fd: i32,
    token: f64,
    interest_bits: u32,
) -> napi::Result<()> {
    let fd = raw_source(&env, fd)?;
    change(
        &env,
        key,
        token,
        interest_bits,
        |registry, token, interest| registry.reregister(&mut SourceRaw(&fd), token, interest),
    )
}

#[napi]
pub fn registry_deregister_fd(env: Env, key: f64, fd: i32) -> napi::Result<()> {
    let fd = raw_source(&env, fd)?;
    with_registrar(&env, key, |registry| {
        registry
            .deregister(&mut SourceRaw(&fd))
            .map_err(|e| errors::system(&env, &e))
    })
}

/// `op` 0 register, 1 reregister, 2 deregister (token and interest ignored) of the SyncEvent
/// of key `event`.
#[napi]
pub fn registry_sync_event(
    env: Env,
    key: f64,
    op: u32,
    event: f64,
    token: f64,
    interest_bits: u32,
) -> napi::Result<()> {
    let event = sync_event::shared(&env, event)?;
    event.with(&env, |mut event| match op {
        0 => change(
            &env,
            key,
            token,
            interest_bits,
            |registry, token, interest| registry.register(&mut event, token, interest),
        ),
        1 => change(
            &env,
            key,
            token,
            interest_bits,
            |registry, token, interest| registry.reregister(&mut event, token, interest),
        ),
        _ => with_registrar(&env, key, |registry| {
            registry
                .deregister(&mut event)
                .map_err(|e| errors::system(&env, &e))
        }),
    })
}

/// `op` 0 register, 1 reregister, 2 deregister (token and interest ignored) of the socket or
/// pipe end of key `socket`.
#[napi]
pub fn registry_socket(
    env: Env,
    key: f64,
    op: u32,
    socket: f64,
    token: f64,
    interest_bits: u32,
) -> napi::Result<()> {
    if op == 2 {
        return with_registrar(&env, key, |registry| {
            net::with(&env, socket, |s| {
                s.deregister(registry).map_err(|e| errors::system(&env, &e))
            })
        });
    }
    let token = token::from_js(&env, token)?;
    let interest = interest(&env, interest_bits)?;
    with_registrar(&env, key, |registry| {
        net::with(&env, socket, |s| {
            let r = if op == 0 {
                s.register(registry, token, interest)
            } else {
                s.reregister(registry, token, interest)
            };
            r.map_err(|e| errors::system(&env, &e))
        })
    })
}

/// Runs `f` with the open core registry of `registrar`: a Poll's (`registrar` ≥ 0, its key)
/// or a WaitContext's (`-1 - key`); `ERR_CLOSED` for a closed one.
pub(crate) fn with_registrar<T>(
    env: &Env,
    registrar: f64,
    f: impl FnOnce(&wakepoll::Registry) -> napi::Result<T>,
) -> napi::Result<T> {
    if registrar < 0.0 {
        wait_context::shared(env, -1.0 - registrar)?.with(env, |ctx| f(ctx.registry()))
    } else {
        let shared: Arc<PollShared> = poll::shared(env, registrar)?;
        shared.with_registry(env, f)
    }
}

/// Checks token and interest, then runs `op` with the open core registry of `key` (a
/// registrar, see [`with_registrar`]); its OS error becomes a Node-style system error.
pub(crate) fn change(
    env: &Env,
    key: f64,
    token: f64,
    interest_bits: u32,
    op: impl FnOnce(&wakepoll::Registry, wakepoll::Token, Interest) -> std::io::Result<()>,
) -> napi::Result<()> {
    let token = token::from_js(env, token)?;
    let interest = interest(env, interest_bits)?;
    with_registrar(env, key, |registry| {
        op(registry, token, interest).map_err(|e| errors::system(env, &e))
    })
}
