//! `OwnedFds`: the set of fds a selector registered for wakepoll itself, readable without a lock.
//!
//! Every raw-fd registration call (`SourceFd`) asks "is this fd one of ours?" before its system
//! call, so the question has to cost next to nothing: a hash set behind a lock cost more than
//! the rest of the user-space path of a register + deregister together (SipHash of the fd and
//! a lock round trip, twice; measured with callgrind in benches/README.md).
//!
//! Invariants:
//! * one bit per fd number: the fds a process usually has (< 4096) in 512 bytes inside the set
//!   itself, so that the common question is one load; every larger non-negative `RawFd` in
//!   chunks of growing size: chunk `i` covers the fds whose `fd + 4096` lies in
//!   `[2^(12+i), 2^(13+i))` (chunk 0 is never used: those fds are the inline ones);
//! * a chunk is allocated by the first insert into its range, installed with a compare-and-swap
//!   (the loser frees its copy), and freed only when the set is dropped: a reader never sees a
//!   chunk go away;
//! * `contains` is a load of the chunk pointer and of one word; `insert`/`remove` an atomic
//!   `or`/`and` on that word. Callers order them around their system calls (the selector sets
//!   the bit before `EPOLL_CTL_ADD` and clears it after `EPOLL_CTL_DEL`), as the lock did.

use std::os::fd::RawFd;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

/// log2 of the first chunk's size in bits.
const FIRST: u32 = 12;
/// Chunks needed to cover every non-negative `RawFd` (`i32::MAX + 4096 < 2^32`).
const CHUNKS: usize = (32 - FIRST) as usize;

pub(crate) struct OwnedFds {
    /// The bits of fds 0..4096.
    first: [AtomicU64; 1 << (FIRST - 6)],
    chunks: [AtomicPtr<AtomicU64>; CHUNKS],
}

/// The word and mask of an fd below 4096.
#[inline]
fn first_bit(fd: RawFd) -> Option<(usize, u64)> {
    let fd = usize::try_from(fd).ok()?;
    (fd < 1 << FIRST).then(|| (fd / 64, 1u64 << (fd % 64)))
}

/// Where an fd's bit lives: chunk, word in the chunk, mask in the word.
#[inline]
fn locate(fd: RawFd) -> Option<(usize, usize, u64)> {
    if fd < 0 {
        return None;
    }
    let x = fd as u32 + (1 << FIRST);
    let log = 31 - x.leading_zeros();
    let chunk = (log - FIRST) as usize;
    let bit = (x - (1 << log)) as usize;
    Some((chunk, bit / 64, 1u64 << (bit % 64)))
}

/// Words in chunk `i`.
fn chunk_words(i: usize) -> usize {
    1 << (FIRST as usize + i - 6)
}

impl OwnedFds {
    pub(crate) fn new() -> OwnedFds {
        OwnedFds {
            first: std::array::from_fn(|_| AtomicU64::new(0)),
            chunks: std::array::from_fn(|_| AtomicPtr::new(ptr::null_mut())),
        }
    }

    /// Whether `fd` is in the set.
    #[inline]
    pub(crate) fn contains(&self, fd: RawFd) -> bool {
        if let Some((word, mask)) = first_bit(fd) {
            return self.first[word].load(Ordering::Acquire) & mask != 0;
        }
        let Some((chunk, word, mask)) = locate(fd) else {
            return false;
        };
        let words = self.chunks[chunk].load(Ordering::Acquire);
        if words.is_null() {
            return false;
        }
        // SAFETY: a non-null chunk pointer points to `chunk_words(chunk)` words that live as
        // long as `self`, and `word < chunk_words(chunk)` by construction of `locate`.
        let word = unsafe { &*words.add(word) };
        word.load(Ordering::Acquire) & mask != 0
    }

    pub(crate) fn insert(&self, fd: RawFd) {
        if let Some((word, mask)) = first_bit(fd) {
            self.first[word].fetch_or(mask, Ordering::AcqRel);
            return;
        }
        let (chunk, word, mask) = locate(fd).expect("an open fd is not negative");
        let words = self.chunk(chunk);
        // SAFETY: as in `contains`.
        unsafe { &*words.add(word) }.fetch_or(mask, Ordering::AcqRel);
    }

    pub(crate) fn remove(&self, fd: RawFd) {
        if let Some((word, mask)) = first_bit(fd) {
            self.first[word].fetch_and(!mask, Ordering::AcqRel);
            return;
        }
        let Some((chunk, word, mask)) = locate(fd) else {
            return;
        };
        let words = self.chunks[chunk].load(Ordering::Acquire);
        if !words.is_null() {
            // SAFETY: as in `contains`.
            unsafe { &*words.add(word) }.fetch_and(!mask, Ordering::AcqRel);
        }
    }

    /// Chunk `i`, allocated (zeroed) if it was not yet.
    fn chunk(&self, i: usize) -> *mut AtomicU64 {
        let current = self.chunks[i].load(Ordering::Acquire);
        if !current.is_null() {
            return current;
        }
        let fresh: Box<[AtomicU64]> = (0..chunk_words(i)).map(|_| AtomicU64::new(0)).collect();
        let fresh = Box::into_raw(fresh) as *mut AtomicU64;
        match self.chunks[i].compare_exchange(
            ptr::null_mut(),
            fresh,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => fresh,
            Err(installed) => {
                // SAFETY: `fresh` came from `Box::into_raw` of a slice of this length just
                // above and was never shared.
                drop(unsafe {
                    Box::from_raw(ptr::slice_from_raw_parts_mut(fresh, chunk_words(i)))
                });
                installed
            }
        }
    }
}

impl Drop for OwnedFds {
    fn drop(&mut self) {
        for (i, chunk) in self.chunks.iter_mut().enumerate() {
            let words = *chunk.get_mut();
            if !words.is_null() {
                // SAFETY: installed by `chunk` from a boxed slice of `chunk_words(i)` words;
                // `&mut self` means no reader is left.
                drop(unsafe {
                    Box::from_raw(ptr::slice_from_raw_parts_mut(words, chunk_words(i)))
                });
            }
        }
    }
}

impl std::fmt::Debug for OwnedFds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedFds").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::{chunk_words, locate, OwnedFds};

    #[test]
    fn every_fd_has_its_own_bit_in_range() {
        for fd in [
            0,
            1,
            63,
            64,
            4095,
            4096,
            8191,
            8192,
            1 << 20,
            i32::MAX - 1,
            i32::MAX,
        ] {
            let (chunk, word, mask) = locate(fd).unwrap();
            assert!(chunk < super::CHUNKS, "fd {fd}");
            assert!(word < chunk_words(chunk), "fd {fd}");
            assert_eq!(mask.count_ones(), 1);
        }
        assert_eq!(locate(0), Some((0, 0, 1)));
        assert_eq!(locate(4095), Some((0, 63, 1 << 63)));
        assert_eq!(locate(4096), Some((1, 0, 1)));
        assert_eq!(locate(-1), None);
    }

    #[test]
    fn insert_contains_remove() {
        let set = OwnedFds::new();
        let fds = [0, 3, 64, 4095, 4096, 70_000, 1 << 24, i32::MAX];
        for &fd in &fds {
            assert!(!set.contains(fd));
        }
        for &fd in &fds {
            set.insert(fd);
        }
        for &fd in &fds {
            assert!(set.contains(fd), "fd {fd}");
            if let Some(next) = fd.checked_add(1).filter(|n| !fds.contains(n)) {
                assert!(!set.contains(next), "fd {next}");
            }
        }
        assert!(!set.contains(-1));
        set.remove(4096);
        assert!(!set.contains(4096));
        assert!(set.contains(4095) && set.contains(70_000));
        set.remove(-5);
        set.remove(1 << 28); // a chunk never allocated
    }

    #[test]
    fn racing_inserts_into_a_new_chunk_keep_every_bit() {
        let set = std::sync::Arc::new(OwnedFds::new());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let set = std::sync::Arc::clone(&set);
                std::thread::spawn(move || {
                    for i in 0..256 {
                        set.insert(100_000 + i * 4 + t);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        for fd in 100_000..100_000 + 1024 {
            assert!(set.contains(fd), "fd {fd}");
        }
    }
}
