//! Where the threads of a round trip run, set explicitly.
//!
//! A wake round trip between two threads costs ~2.7 µs when both share one CPU (the wake is a
//! context switch) and 17–20 µs when they sit on two (the wake must rouse a sleeping vCPU).
//! Left to the scheduler, each library's thread pair lands either way from run to run, so an
//! unpinned "wakepoll vs mio" ratio is bimodal (0.94–1.06× most runs, 5.8–7× in a few). The
//! round-trip rows therefore pin both sides, once on one CPU and once across two, and compare
//! the libraries within each placement.

use std::io;

/// A thread placement for the round-trip rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Both threads on the first allowed CPU.
    OneCpu,
    /// The caller on the first allowed CPU, its peer on the second.
    TwoCpus,
}

impl Placement {
    /// The CPUs for (the calling thread, its peer), from the CPUs this process may use;
    /// `None` when the placement needs more CPUs than there are.
    pub fn cpus(self) -> Option<(usize, usize)> {
        let allowed = allowed_cpus();
        match self {
            Placement::OneCpu => allowed.first().map(|&c| (c, c)),
            Placement::TwoCpus => match allowed.as_slice() {
                [a, b, ..] => Some((*a, *b)),
                _ => None,
            },
        }
    }
}

/// The CPUs the calling thread may run on, in order.
pub fn allowed_cpus() -> Vec<usize> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; sched_getaffinity writes at most
    // size_of::<cpu_set_t>() bytes into it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Vec::new();
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&c| libc::CPU_ISSET(c, &set))
            .collect()
    }
}

/// Pins the calling thread to `cpus`; returns the set it had, for [`restore`].
pub fn pin_current(cpus: &[usize]) -> io::Result<libc::cpu_set_t> {
    // SAFETY: zeroed cpu_set_t values are valid empty sets; the calls read/write exactly
    // size_of::<cpu_set_t>() bytes of them; 0 names the calling thread.
    unsafe {
        let mut old: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut old) != 0 {
            return Err(io::Error::last_os_error());
        }
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for &c in cpus {
            libc::CPU_SET(c, &mut set);
        }
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(old)
    }
}

/// Gives the calling thread back the set [`pin_current`] returned.
pub fn restore(old: &libc::cpu_set_t) {
    // SAFETY: `old` is a valid cpu_set_t; 0 names the calling thread.
    unsafe {
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), old);
    }
}
