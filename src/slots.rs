//! The process-wide tables that hold the native state of every JavaScript wakepoll object.
//!
//! Why. A Node-API finalizer (of a `napi_wrap`ped class instance or an external) runs only when
//! its thread's event loop turns, and a thread that lives in `for (;;) poll.poll(events, null)`
//! never turns it: whatever a finalizer would free (and the finalizer's own queue entry, about
//! a hundred bytes) piles up there for ever. So no wakepoll object is a napi object. A
//! JavaScript object (lib/) is a plain class instance holding a *key*, a Number naming a slot of
//! one of the [`Slab`]s below; native calls take the key; `close()` removes the slot's value,
//! which frees the fds, buffers and shared state there and then. See docs/lifetimes.md.
//!
//! A key is `generation << 32 | index`, below 2^53 so that it is exact in an f64. `remove`
//! bumps the slot's generation, so a stale key finds nothing (`ERR_CLOSED`), and a slot whose
//! generation would wrap is retired, never reused: a key names one object for ever.
//!
//! Lookups take no global lock: the slots live in chunks that are allocated once and never
//! moved or freed (a fixed directory of atomic pointers), and each slot has its own `RwLock`
//! (uncontended, that is one atomic operation each way). Only `insert` and `remove` (creation
//! and close) take the slab's free-list mutex.

use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
use std::sync::{Mutex, RwLock, RwLockReadGuard};

use napi::Env;

use crate::errors;

const CHUNK_BITS: u32 = 12;
const CHUNK: usize = 1 << CHUNK_BITS;
/// 4096 chunks of 4096 slots: 16,777,216 objects of one kind alive at once.
const DIRECTORY: usize = 1 << 12;
/// Generations use 21 bits, so that a key stays below 2^53.
const MAX_GENERATION: u32 = (1 << 21) - 1;

struct Entry<T> {
    generation: u32,
    /// The env (thread) that made the value, for [`Slab::remove_owned_by`].
    owner: u32,
    value: Option<T>,
}

struct Slot<T> {
    entry: RwLock<Entry<T>>,
}

struct FreeList {
    /// Slots never used yet start here.
    fresh: u32,
    free: Vec<u32>,
}

/// A table of `T`s addressed by key. One `static` per kind of object.
pub(crate) struct Slab<T> {
    directory: [AtomicPtr<Slot<T>>; DIRECTORY],
    free: Mutex<FreeList>,
}

/// A value borrowed from its slot (the slot's read lock is held).
pub(crate) struct Borrowed<'a, T>(RwLockReadGuard<'a, Entry<T>>);

impl<T> std::ops::Deref for Borrowed<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // `Slab::borrow` only returns a guard whose entry holds a value.
        match self.0.value.as_ref() {
            Some(value) => value,
            None => unreachable!("a Borrowed always holds a value"),
        }
    }
}

fn split(key: u64) -> (usize, u32) {
    ((key & 0xffff_ffff) as usize, (key >> 32) as u32)
}

/// A key from JavaScript; `None` for anything that is not one (then nothing is found).
pub(crate) fn key(value: f64) -> Option<u64> {
    // Range first (NaN fails it); then a whole number is one that survives the round trip
    // through u64 — cheaper than `fract()`, a libm call on the x86-64 baseline, on every call.
    if !(1.0..9_007_199_254_740_992.0).contains(&value) {
        return None;
    }
    let key = value as u64;
    (key as f64 == value).then_some(key)
}

thread_local! {
    /// This thread's env id (lib.rs's module init sets it), for the owner of new entries.
    // (The initializer is const: clippy 1.96 says otherwise for Windows targets.)
    #[allow(clippy::missing_const_for_thread_local)]
    static ENV_ID: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}
static NEXT_ENV_ID: AtomicU32 = AtomicU32::new(1);

/// Gives this thread's env an id of its own; returns it (for its cleanup hook).
pub(crate) fn enter_env() -> u32 {
    let id = NEXT_ENV_ID.fetch_add(1, Ordering::Relaxed);
    ENV_ID.with(|cell| cell.set(id));
    id
}

impl<T> Slab<T> {
    pub(crate) const fn new() -> Slab<T> {
        Slab {
            directory: [const { AtomicPtr::new(ptr::null_mut()) }; DIRECTORY],
            free: Mutex::new(FreeList {
                fresh: 0,
                free: Vec::new(),
            }),
        }
    }

    fn slot(&self, index: usize) -> Option<&Slot<T>> {
        let chunk = self
            .directory
            .get(index >> CHUNK_BITS)?
            .load(Ordering::Acquire);
        if chunk.is_null() {
            return None;
        }
        // SAFETY: a published chunk is an array of CHUNK initialised slots that is never moved
        // or freed (the slab is a static), and `index % CHUNK < CHUNK`.
        Some(unsafe { &*chunk.add(index & (CHUNK - 1)) })
    }

    /// Stores `value`; its key, or `None` when every slot is taken.
    pub(crate) fn insert(&self, value: T) -> Option<u64> {
        let index = {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            match free.free.pop() {
                Some(index) => index,
                None => {
                    let index = free.fresh;
                    if index as usize >= CHUNK * DIRECTORY {
                        return None;
                    }
                    if (index as usize).is_multiple_of(CHUNK) {
                        // First slot of a new chunk: publish the chunk (under the mutex, so once).
                        let chunk: Box<[Slot<T>]> = (0..CHUNK)
                            .map(|_| Slot {
                                entry: RwLock::new(Entry {
                                    generation: 1,
                                    owner: 0,
                                    value: None,
                                }),
                            })
                            .collect();
                        let chunk = Box::into_raw(chunk) as *mut Slot<T>;
                        self.directory[index as usize >> CHUNK_BITS]
                            .store(chunk, Ordering::Release);
                    }
                    free.fresh += 1;
                    index
                }
            }
        };
        let slot = self.slot(index as usize)?;
        let mut entry = slot.entry.write().unwrap_or_else(|e| e.into_inner());
        entry.value = Some(value);
        entry.owner = ENV_ID.with(|cell| cell.get());
        Some(u64::from(entry.generation) << 32 | u64::from(index))
    }

    /// The value of `key`, borrowed under the slot's read lock. Keep the borrow short: a
    /// `remove` of this key waits for it.
    pub(crate) fn borrow(&self, key: u64) -> Option<Borrowed<'_, T>> {
        let (index, generation) = split(key);
        let entry = self
            .slot(index)?
            .entry
            .read()
            .unwrap_or_else(|e| e.into_inner());
        (entry.generation == generation && entry.value.is_some()).then_some(Borrowed(entry))
    }

    /// Whether `key` names a live value.
    pub(crate) fn contains(&self, key: u64) -> bool {
        self.borrow(key).is_some()
    }

    /// Takes the value of `key` out (the caller drops it, outside every lock); the slot is free
    /// for another object, under another key.
    pub(crate) fn remove(&self, key: u64) -> Option<T> {
        let (index, generation) = split(key);
        let slot = self.slot(index)?;
        let value = {
            let mut entry = slot.entry.write().unwrap_or_else(|e| e.into_inner());
            if entry.generation != generation {
                return None;
            }
            let value = entry.value.take()?;
            entry.generation += 1;
            if entry.generation > MAX_GENERATION {
                // Retired: reusing it would give a key that an old object may still hold.
                return Some(value);
            }
            value
        };
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .free
            .push(index as u32);
        Some(value)
    }

    /// Removes every value that env `owner` made (its teardown); returns them.
    pub(crate) fn remove_owned_by(&self, owner: u32) -> Vec<T> {
        let fresh = self.free.lock().unwrap_or_else(|e| e.into_inner()).fresh as usize;
        let mut keys = Vec::new();
        for index in 0..fresh {
            let Some(slot) = self.slot(index) else { break };
            let entry = slot.entry.read().unwrap_or_else(|e| e.into_inner());
            if entry.owner == owner && entry.value.is_some() {
                keys.push(u64::from(entry.generation) << 32 | index as u64);
            }
        }
        keys.into_iter()
            .filter_map(|key| self.remove(key))
            .collect()
    }
}

impl<T: Clone> Slab<T> {
    /// A clone of the value of `key` (an `Arc`, for use outside the slot's lock).
    pub(crate) fn get(&self, key: u64) -> Option<T> {
        self.borrow(key).map(|value| T::clone(&value))
    }
}

// SAFETY: the slab hands out `&T` to any thread (so `T: Sync`) and moves values between
// threads (so `T: Send`); its own state is atomics and locks.
unsafe impl<T: Send + Sync> Sync for Slab<T> {}

/// The error when a slab is full (16M live objects of one kind).
pub(crate) fn full(env: &Env, what: &str) -> napi::Error {
    let err = std::io::Error::new(
        std::io::ErrorKind::OutOfMemory,
        format!("too many {what} objects are open"),
    );
    errors::system(env, &err)
}
