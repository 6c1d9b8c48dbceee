//! What a thread holds of a shared object for the length of a JavaScript async wait, given back
//! by the wait itself — or, when Node terminates the thread in the middle of it, by the thread's
//! teardown (lib.rs).
//!
//! A `waitAsync` of a SyncEvent or a Timer (lib/) claims the object's one-waiter slot before
//! its first await and releases it in a `finally`; a terminated worker never runs that
//! `finally`, and the object (made by another thread, closed by it) stayed claimed for ever:
//! every later wait on it was `EBUSY`, and its `close()` waited for a release that never came,
//! keeping its fd. A SyncEvent's waitAsync also makes a hidden clone of the event (its own fd),
//! which only its JavaScript object's `close()` closes. Both are held here, per thread, from
//! when they are taken to when they are given back; the thread's teardown gives back the rest.

use std::cell::RefCell;

/// What a thread holds of an object.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Role {
    /// The one-waiter claim of a SyncEvent or a Timer, for the length of a waitAsync.
    WaitClaim,
    /// A SyncEvent's hidden clone, made for a JavaScript object's waitAsync.
    HiddenClone,
}

/// Something of a shared object that this thread holds.
pub(crate) trait Held {
    /// Which object (its `Arc`'s address) and what of it (what [`forget`] is given).
    fn id(&self) -> (*const (), Role);
    /// Gives it back (the thread is being torn down with it still held).
    fn give_back(&self);
}

thread_local! {
    // (The initializer is const: clippy 1.96 says otherwise for Windows targets.)
    #[allow(clippy::missing_const_for_thread_local)]
    static HELD: RefCell<Vec<Box<dyn Held>>> = const { RefCell::new(Vec::new()) };
}

/// This thread now holds `item`, until [`forget`] or its teardown.
pub(crate) fn hold(item: Box<dyn Held>) {
    HELD.with(|held| held.borrow_mut().push(item));
}

/// This thread gave back its `role` of the object at `id` itself; whether it held it.
pub(crate) fn forget(id: *const (), role: Role) -> bool {
    HELD.with(|held| {
        let mut held = held.borrow_mut();
        match held.iter().position(|item| item.id() == (id, role)) {
            Some(index) => {
                held.swap_remove(index);
                true
            }
            None => false,
        }
    })
}

/// The thread's teardown: gives back everything it still holds.
pub(crate) fn give_back_all() {
    // Taken out first: giving back may close an object, whose close calls `forget`.
    let held = HELD.with(|held| std::mem::take(&mut *held.borrow_mut()));
    for item in held {
        item.give_back();
    }
}
