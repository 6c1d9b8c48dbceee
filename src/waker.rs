//! `NativeWaker`: wakes a Poll from any worker.
//!
//! The core Waker sits in a `WakerShared` that the handle table holds strongly, so it lives
//! until `close()` (on any of its JavaScript objects, in any worker) or its Poll's close —
//! never until a garbage collection. `wake` takes the RwLock for reading: one uncontended
//! atomic operation that keeps `close` from closing the eventfd under a concurrent write.

use std::sync::{Arc, RwLock, Weak};

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::handles::{self, Kind, Lookup};
use crate::poll::PollShared;
use crate::registry::NativeRegistry;
use crate::{errors, fast, token};

pub(crate) struct WakerShared {
    id: u64,
    waker: RwLock<Option<wakepoll::Waker>>,
    /// Its Poll, for the JavaScript objects made from a handle: each keeps the Poll alive.
    poll: Weak<PollShared>,
}

impl WakerShared {
    pub(crate) fn is_closed(&self) -> bool {
        self.waker
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_none()
    }

    /// Wakes its Poll, or fails with `ERR_CLOSED`.
    pub(crate) fn wake(&self, env: &Env) -> napi::Result<()> {
        let waker = self.waker.read().unwrap_or_else(|e| e.into_inner());
        match waker.as_ref() {
            Some(waker) => waker.wake().map_err(|e| errors::system(env, &e)),
            None => Err(errors::closed(env, "Waker")),
        }
    }

    /// Ends the Waker for every holder: deregisters and closes its fd. Idempotent.
    pub(crate) fn close(&self) {
        let waker = self.waker.write().unwrap_or_else(|e| e.into_inner()).take();
        if waker.is_some() {
            handles::remove(self.id);
        }
        drop(waker);
    }
}

/// The native half of `Waker`. It holds its Poll too: while any JavaScript Waker object
/// exists, in any worker, the Poll is not collected (and so its Wakers are not ended).
#[napi]
pub struct NativeWaker {
    shared: Arc<WakerShared>,
    _poll: Arc<PollShared>,
}

#[napi]
impl NativeWaker {
    #[napi(constructor)]
    pub fn new(env: Env, registry: &NativeRegistry, token: f64) -> napi::Result<NativeWaker> {
        let token = token::from_js(&env, token)?;
        let poll = &registry.shared;
        poll.with_registry(&env, |core_registry| {
            let waker =
                wakepoll::Waker::new(core_registry, token).map_err(|e| errors::system(&env, &e))?;
            let id = handles::next_id();
            let shared = Arc::new(WakerShared {
                id,
                waker: RwLock::new(Some(waker)),
                poll: Arc::downgrade(poll),
            });
            handles::insert_strong(Kind::Waker, id, Arc::clone(&shared));
            poll.adopt_waker(&shared);
            Ok(NativeWaker {
                shared,
                _poll: Arc::clone(poll),
            })
        })
    }

    #[napi(factory)]
    pub fn from_handle(env: Env, handle: String) -> napi::Result<NativeWaker> {
        match handles::lookup::<WakerShared>(Kind::Waker, &handle) {
            // A Waker whose Poll is gone has been ended with it (PollShared's drop).
            Ok(shared) => match shared.poll.upgrade() {
                Some(poll) => Ok(NativeWaker {
                    shared,
                    _poll: poll,
                }),
                None => Err(errors::closed(&env, "Waker")),
            },
            Err(Lookup::Invalid) => Err(errors::invalid_handle(&env, "Waker")),
            Err(Lookup::Closed) => Err(errors::closed(&env, "Waker")),
        }
    }

    #[napi(getter)]
    pub fn handle(&self, env: Env) -> napi::Result<String> {
        if self.shared.is_closed() {
            return Err(errors::closed(&env, "Waker"));
        }
        Ok(handles::handle(Kind::Waker, self.shared.id))
    }

    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.shared.is_closed()
    }

    /// A tagged external for the fast `wake` (fast.rs); lib/waker.ts asks once.
    #[napi(ts_return_type = "object")]
    pub fn external<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        fast::external(env, Arc::clone(&self.shared), &fast::WAKER_TAG)
    }

    #[napi]
    pub fn close(&self) {
        self.shared.close();
    }
}
