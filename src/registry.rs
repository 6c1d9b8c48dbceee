//! `NativeRegistry`: registers sources with a Poll, from any worker.

use std::sync::Arc;

use napi::Env;
use napi_derive::napi;
use wakepoll::event::{RawSource, SourceRaw};
use wakepoll::Interest;

use crate::handles::{self, Kind, Lookup};
use crate::net::NativeSocket;
use crate::poll::PollShared;
use crate::sync_event::NativeSyncEvent;
use crate::{errors, token};

/// The native half of `Registry`.
#[napi]
pub struct NativeRegistry {
    pub(crate) shared: Arc<PollShared>,
}

impl NativeRegistry {
    pub(crate) fn new(shared: Arc<PollShared>) -> NativeRegistry {
        NativeRegistry { shared }
    }
}

/// A raw fd from JavaScript as the core's `RawSource` (the same `i32` on Unix). Registering a
/// raw handle on Windows fails in the core with `ENOTSUP` (see `wakepoll::event::SourceRaw`);
/// a negative number, which no SOCKET is, fails here first the same way.
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
impl NativeRegistry {
    #[napi(factory)]
    pub fn from_handle(env: Env, handle: String) -> napi::Result<NativeRegistry> {
        match handles::lookup::<PollShared>(Kind::Registry, &handle) {
            Ok(shared) => Ok(NativeRegistry::new(shared)),
            Err(Lookup::Invalid) => Err(errors::invalid_handle(&env, "Registry")),
            Err(Lookup::Closed) => Err(errors::closed(&env, "Poll")),
        }
    }

    #[napi(getter)]
    pub fn handle(&self, env: Env) -> napi::Result<String> {
        if self.shared.is_closed() {
            return Err(errors::closed(&env, "Poll"));
        }
        Ok(handles::handle(Kind::Registry, self.shared.id))
    }

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
        self.shared.with_registry(&env, |registry| {
            registry
                .deregister(&mut SourceRaw(&fd))
                .map_err(|e| errors::system(&env, &e))
        })
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
            self.shared.with_registry(&env, |registry| {
                registry
                    .deregister(&mut event)
                    .map_err(|e| errors::system(&env, &e))
            })
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
        self.shared.with_registry(&env, |registry| {
            socket.shared.register(&env, registry, token, interest)
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
        self.shared.with_registry(&env, |registry| {
            socket.shared.reregister(&env, registry, token, interest)
        })
    }

    #[napi]
    pub fn deregister_socket(&self, env: Env, socket: &NativeSocket) -> napi::Result<()> {
        self.shared
            .with_registry(&env, |registry| socket.shared.deregister(&env, registry))
    }
}

impl NativeRegistry {
    /// Checks token and interest, then runs `op` with the open core registry; its OS error
    /// becomes a Node-style system error.
    pub(crate) fn change(
        &self,
        env: &Env,
        token: f64,
        interest_bits: u32,
        op: impl FnOnce(&wakepoll::Registry, wakepoll::Token, Interest) -> std::io::Result<()>,
    ) -> napi::Result<()> {
        let token = token::from_js(env, token)?;
        let interest = interest(env, interest_bits)?;
        self.shared.with_registry(env, |registry| {
            op(registry, token, interest).map_err(|e| errors::system(env, &e))
        })
    }
}
