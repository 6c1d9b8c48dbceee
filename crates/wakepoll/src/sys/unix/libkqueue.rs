//! kqueue's ABI as libkqueue (a userspace kqueue over epoll) provides it on Linux, for the
//! test build `--cfg wakepoll_libkqueue` only: libc's Linux bindings have no `kevent`. The
//! kqueue backend names these through `kq::`, which on macOS and FreeBSD is libc itself.
//!
//! From libkqueue's `include/sys/event.h` (commit f966089): FreeBSD's layout and values.
//! The static library is found through `-L native=DIR` (scripts/cross/check-libkqueue.sh).

#![allow(non_camel_case_types)]

pub(crate) use libc::{c_int, c_void, timespec, uintptr_t};

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct kevent {
    pub(crate) ident: uintptr_t,
    pub(crate) filter: i16,
    pub(crate) flags: u16,
    pub(crate) fflags: u32,
    pub(crate) data: isize,
    pub(crate) udata: *mut c_void,
}

pub(crate) const EVFILT_READ: i16 = -1;
pub(crate) const EVFILT_WRITE: i16 = -2;
pub(crate) const EVFILT_AIO: i16 = -3;
pub(crate) const EVFILT_TIMER: i16 = -7;
pub(crate) const EVFILT_USER: i16 = -11;

pub(crate) const EV_ADD: u16 = 0x0001;
pub(crate) const EV_DELETE: u16 = 0x0002;
pub(crate) const EV_ENABLE: u16 = 0x0004;
pub(crate) const EV_DISABLE: u16 = 0x0008;
pub(crate) const EV_ONESHOT: u16 = 0x0010;
pub(crate) const EV_CLEAR: u16 = 0x0020;
pub(crate) const EV_RECEIPT: u16 = 0x0040;
pub(crate) const EV_DISPATCH: u16 = 0x0080;
pub(crate) const EV_ERROR: u16 = 0x4000;
pub(crate) const EV_EOF: u16 = 0x8000;

pub(crate) const NOTE_TRIGGER: u32 = 0x0100_0000;
/// `EVFILT_TIMER`'s data in microseconds (libkqueue takes macOS's value, not FreeBSD's 4).
pub(crate) const NOTE_USECONDS: u32 = 0x0002;

#[link(name = "kqueue", kind = "static")]
extern "C" {
    pub(crate) fn kqueue() -> c_int;
    pub(crate) fn kevent(
        kq: c_int,
        changelist: *const kevent,
        nchanges: c_int,
        eventlist: *mut kevent,
        nevents: c_int,
        timeout: *const timespec,
    ) -> c_int;
}
