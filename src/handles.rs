//! The process-wide handle table: how a Registry or Waker crosses between workers.
//!
//! Napi class instances cannot be posted to another worker, but Rust statics are shared by
//! every worker of the process. A handle is plain data (a string) naming an entry here:
//! `wakepoll:<kind>:<id>:<tag>`, where `tag` is a keyed hash of kind and id under a key drawn
//! at random when the process first loads the module. So:
//! * a forged, corrupted or foreign handle (another kind, another process) fails the tag check
//!   → `ERR_INVALID_HANDLE`;
//! * a genuine handle whose entry is gone (closed, or collected) → `ERR_CLOSED`.
//!
//! Registries are held weakly (a Poll is freed when no JavaScript object in any worker refers
//! to it); Wakers strongly (a Waker lives until `close()`, whatever the garbage collector does).

use std::any::Any;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, Weak};

/// What a handle names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Registry,
    Waker,
    AtomicWaker,
    SyncEvent,
    Socket,
    Timer,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Registry => "Registry",
            Kind::Waker => "Waker",
            Kind::AtomicWaker => "AtomicWaker",
            Kind::SyncEvent => "SyncEvent",
            Kind::Socket => "Socket",
            Kind::Timer => "Timer",
        }
    }
}

enum Slot {
    Weak(Weak<dyn Any + Send + Sync>),
    Strong(Arc<dyn Any + Send + Sync>),
}

/// Why a handle did not resolve.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    Invalid,
    Closed,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);
static KEY: LazyLock<std::collections::hash_map::RandomState> = LazyLock::new(Default::default);
static TABLE: LazyLock<Mutex<HashMap<u64, (Kind, Slot)>>> = LazyLock::new(Default::default);

fn table() -> MutexGuard<'static, HashMap<u64, (Kind, Slot)>> {
    // A panic while holding the lock cannot leave the map inconsistent (single inserts and
    // removes), so a poisoned lock is still usable.
    TABLE.lock().unwrap_or_else(|e| e.into_inner())
}

fn tag(kind: Kind, id: u64) -> u64 {
    let mut h = KEY.build_hasher();
    h.write(kind.name().as_bytes());
    h.write_u64(id);
    h.finish()
}

/// A fresh id; entries are added with [`insert_weak`] / [`insert_strong`].
pub(crate) fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

pub(crate) fn insert_weak<T: Any + Send + Sync>(kind: Kind, id: u64, value: &Arc<T>) {
    let weak: Weak<dyn Any + Send + Sync> = Arc::downgrade(value) as Weak<dyn Any + Send + Sync>;
    table().insert(id, (kind, Slot::Weak(weak)));
}

pub(crate) fn insert_strong<T: Any + Send + Sync>(kind: Kind, id: u64, value: Arc<T>) {
    table().insert(id, (kind, Slot::Strong(value)));
}

/// Removes an entry; later lookups of its handle give `ERR_CLOSED`.
pub(crate) fn remove(id: u64) {
    // Drop the value outside the lock: a Waker's drop does system calls.
    let removed = table().remove(&id);
    drop(removed);
}

/// The handle string of entry `id`.
pub(crate) fn handle(kind: Kind, id: u64) -> String {
    format!("wakepoll:{}:{}:{:016x}", kind.name(), id, tag(kind, id))
}

/// Resolves `handle` to a live value of type `T`.
pub(crate) fn lookup<T: Any + Send + Sync>(kind: Kind, handle: &str) -> Result<Arc<T>, Lookup> {
    let id = parse(kind, handle).ok_or(Lookup::Invalid)?;
    let value = {
        let table = table();
        match table.get(&id) {
            Some((k, Slot::Weak(weak))) if *k == kind => weak.upgrade(),
            Some((k, Slot::Strong(strong))) if *k == kind => Some(Arc::clone(strong)),
            _ => None,
        }
    };
    value
        .ok_or(Lookup::Closed)?
        .downcast::<T>()
        .map_err(|_| Lookup::Invalid)
}

/// The id (or, for the kinds whose handle names a slot, the key: slots.rs) in `handle`, if it
/// is a genuine handle of `kind`.
pub(crate) fn parse(kind: Kind, handle: &str) -> Option<u64> {
    let mut parts = handle.split(':');
    if parts.next()? != "wakepoll" || parts.next()? != kind.name() {
        return None;
    }
    let id: u64 = parts.next()?.parse().ok()?;
    let given = u64::from_str_radix(parts.next()?, 16).ok()?;
    if parts.next().is_some() || given != tag(kind, id) {
        return None;
    }
    Some(id)
}
