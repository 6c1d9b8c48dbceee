//! `IoSource`: an OS handle wakepoll owns (a socket, a pipe end) together with its
//! registration.
//!
//! Every socket and pipe type is an `IoSource` plus methods. The source's `Registration`
//! record (see `event/registration.rs`) does the bookkeeping, the selector's owned-source calls
//! the OS work:
//!
//! * one `Poll` at a time: registering with a second `Poll` is `EEXIST`; reregistering or
//!   deregistering where it is not registered, `ENOENT` (or `EEXIST` if it is registered
//!   elsewhere) — the semantics of `sync::Event`;
//! * registrations are edge-triggered and go through `register_owned`, so a stale `SourceFd`
//!   with the same number can neither retarget nor deregister the socket, and the record never
//!   falls out of step with the selector;
//! * every operation that can return `WouldBlock` goes through [`do_io`](IoSource::do_io):
//!   where the backend emulates edges (IOCP + AFD reports a readiness once, then needs asking
//!   again), a `WouldBlock` re-arms the registration, as mio's `IoSourceState::do_io` does;
//! * `Drop` ends the registration before the handle closes, and so does
//!   [`into_owned`](IoSource::into_owned) before handing the handle on: no `Poll` ever reports
//!   a token for a socket that no longer exists, and a handle given away carries no
//!   registration with it.

use std::fmt;
use std::io;
use std::mem::ManuallyDrop;
use std::ptr;

use crate::event::Registration;
use crate::sys;
use crate::{Interest, Registry, Token};

/// An owned OS handle and the record of the one `Poll` it is registered with.
pub(crate) struct IoSource {
    source: sys::OwnedSource,
    registration: Registration,
}

impl IoSource {
    /// Takes ownership of `source`, registered nowhere.
    pub(crate) fn new(source: sys::OwnedSource) -> IoSource {
        IoSource {
            source,
            registration: Registration::new(),
        }
    }

    pub(crate) fn register(
        &self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        let raw = self.as_raw_source();
        self.registration.register(registry.selector(), |selector| {
            selector.register_owned(raw, token, interests, registry.trigger())
        })
    }

    pub(crate) fn reregister(
        &self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        let raw = self.as_raw_source();
        self.registration
            .reregister(registry.selector(), |selector| {
                selector.reregister_owned(raw, token, interests, registry.trigger())
            })
    }

    pub(crate) fn deregister(&self, registry: &Registry) -> io::Result<()> {
        let raw = self.as_raw_source();
        self.registration
            .deregister(registry.selector(), |selector| {
                selector.deregister_owned(raw)
            })
    }

    /// Runs `f`, one operation on the handle; after a `WouldBlock` it re-arms the registration
    /// where the backend needs it (`sys::REARMS_AFTER_WOULD_BLOCK`), so that the next change
    /// to ready is reported. The error of `f` is returned as it is.
    #[inline]
    pub(crate) fn do_io<R>(
        &self,
        f: impl FnOnce(sys::BorrowedSource<'_>) -> io::Result<R>,
    ) -> io::Result<R> {
        let result = f(self.as_source());
        if sys::REARMS_AFTER_WOULD_BLOCK {
            if let Err(err) = &result {
                if err.kind() == io::ErrorKind::WouldBlock {
                    self.rearm()?;
                }
            }
        }
        result
    }

    /// [`do_io`](Self::do_io) for a read that takes one datagram: where the backend re-arms
    /// after `WouldBlock`, it re-arms after every datagram taken too, so that one that arrives
    /// next is reported even if the caller stops before `WouldBlock` (epoll and kqueue report
    /// each arrival by themselves). A re-arm while more are queued reports them again at once:
    /// readiness that is true, never a lost datagram.
    #[inline]
    pub(crate) fn do_datagram_read<R>(
        &self,
        f: impl FnOnce(sys::BorrowedSource<'_>) -> io::Result<R>,
    ) -> io::Result<R> {
        let result = f(self.as_source());
        if sys::REARMS_AFTER_WOULD_BLOCK {
            match &result {
                // The datagram was taken: it reaches the caller even if re-arming fails (it
                // fails only for a handle that is going away; the next operation reports that).
                Ok(_) => drop(self.rearm()),
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => self.rearm()?,
                _ => {}
            }
        }
        result
    }

    /// [`do_io`](Self::do_io) for a read of a *stream* socket into buffers of `capacity`
    /// bytes. A read that returns fewer bytes than asked emptied the receive queue when it ran,
    /// so it counts as reaching `WouldBlock`: the caller may stop reading there and still gets
    /// an event for the next data. epoll and kqueue report every arrival of data on a stream
    /// socket by themselves; where the backend re-arms after `WouldBlock`, it re-arms after a
    /// short read too. (Not for datagrams, where a read takes one datagram of several, nor for
    /// pipes, whose wake-ups on older Linux kernels come only when the pipe was empty.)
    #[inline]
    pub(crate) fn do_stream_read(
        &self,
        capacity: usize,
        f: impl FnOnce(sys::BorrowedSource<'_>) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let result = f(self.as_source());
        if sys::REARMS_AFTER_WOULD_BLOCK {
            match &result {
                // The bytes were read: they reach the caller even if re-arming fails (it fails
                // only for a handle that is going away; the next operation reports that).
                Ok(n) if *n < capacity => drop(self.rearm()),
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => self.rearm()?,
                _ => {}
            }
        }
        result
    }

    /// Asks the backend to report the next change to ready (IOCP + AFD: a new poll).
    fn rearm(&self) -> io::Result<()> {
        let raw = self.as_raw_source();
        self.registration
            .with_current(|selector| selector.rearm_owned(raw))
    }

    /// The handle, for an operation that cannot block (an option, an address).
    pub(crate) fn as_source(&self) -> sys::BorrowedSource<'_> {
        sys::borrow_source(&self.source)
    }

    pub(crate) fn as_raw_source(&self) -> sys::RawSource {
        sys::raw_source(&self.source)
    }

    /// Ends any registration and gives up the handle, still open, to the caller.
    pub(crate) fn into_owned(self) -> sys::OwnedSource {
        self.leave_selector();
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped nor used again, so the handle is moved out exactly
        // once and the (now empty) registration record is dropped in place exactly once.
        unsafe {
            let source = ptr::read(&this.source);
            ptr::drop_in_place(&mut this.registration);
            source
        }
    }

    fn leave_selector(&self) {
        let raw = self.as_raw_source();
        self.registration
            .clear(|selector| selector.deregister_owned(raw));
    }
}

impl Drop for IoSource {
    fn drop(&mut self) {
        // While the handle is still ours: no other open of the same number can be
        // mistaken for this source.
        self.leave_selector();
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for IoSource {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.as_source()
    }
}

impl fmt::Debug for IoSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoSource")
            .field("handle", &self.as_raw_source())
            .finish()
    }
}

/// The trait impls every `IoSource` type shares: `event::Source` for `T` and `&T` (through
/// the registration record), the conversions from and to the owned OS handle
/// (`From<OwnedFd>` on Unix, `From<OwnedSocket>` on Windows, and back), the platform's
/// handle traits (see [`os_handle_impls`]), and `Debug`. `$ty` has one field,
/// `inner: IoSource`.
macro_rules! io_source_impls {
    ($ty:ident) => {
        impl $crate::event::Source for $ty {
            fn register(
                &mut self,
                registry: &$crate::Registry,
                token: $crate::Token,
                interests: $crate::Interest,
            ) -> ::std::io::Result<()> {
                self.inner.register(registry, token, interests)
            }

            fn reregister(
                &mut self,
                registry: &$crate::Registry,
                token: $crate::Token,
                interests: $crate::Interest,
            ) -> ::std::io::Result<()> {
                self.inner.reregister(registry, token, interests)
            }

            fn deregister(&mut self, registry: &$crate::Registry) -> ::std::io::Result<()> {
                self.inner.deregister(registry)
            }
        }

        /// For a source that is shared (in an `Arc`, say):
        /// `registry.register(&mut &*source, token, interests)`.
        impl $crate::event::Source for &$ty {
            fn register(
                &mut self,
                registry: &$crate::Registry,
                token: $crate::Token,
                interests: $crate::Interest,
            ) -> ::std::io::Result<()> {
                self.inner.register(registry, token, interests)
            }

            fn reregister(
                &mut self,
                registry: &$crate::Registry,
                token: $crate::Token,
                interests: $crate::Interest,
            ) -> ::std::io::Result<()> {
                self.inner.reregister(registry, token, interests)
            }

            fn deregister(&mut self, registry: &$crate::Registry) -> ::std::io::Result<()> {
                self.inner.deregister(registry)
            }
        }

        /// Takes ownership of the handle as it is: it should be the right kind of socket,
        /// and non-blocking.
        impl ::std::convert::From<$crate::sys::OwnedSource> for $ty {
            fn from(source: $crate::sys::OwnedSource) -> $ty {
                $ty {
                    inner: $crate::io_source::IoSource::new(source),
                }
            }
        }

        /// Ends any registration, then gives the (still open) handle to the caller.
        impl ::std::convert::From<$ty> for $crate::sys::OwnedSource {
            fn from(source: $ty) -> $crate::sys::OwnedSource {
                source.inner.into_owned()
            }
        }

        $crate::io_source::os_handle_impls!($ty);

        impl $crate::event::AsRawSource for $ty {
            fn as_raw_source(&self) -> $crate::event::RawSource {
                self.inner.as_raw_source()
            }
        }

        /// Ends any registration, then gives the (still open) handle to the caller.
        impl $crate::event::IntoRawSource for $ty {
            fn into_raw_source(self) -> $crate::event::RawSource {
                $crate::sys::into_raw_source(self.inner.into_owned())
            }
        }

        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("handle", &self.inner.as_raw_source())
                    .finish()
            }
        }
    };
}
pub(crate) use io_source_impls;

/// The fd traits of an `IoSource` type on Unix: `AsRawFd`, `AsFd`, `FromRawFd`, `IntoRawFd`.
#[cfg(unix)]
macro_rules! os_handle_impls {
    ($ty:ident) => {
        impl ::std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> ::std::os::fd::RawFd {
                self.inner.as_raw_source()
            }
        }

        impl ::std::os::fd::AsFd for $ty {
            fn as_fd(&self) -> ::std::os::fd::BorrowedFd<'_> {
                ::std::os::fd::AsFd::as_fd(&self.inner)
            }
        }

        /// Takes ownership of `fd` as it is: the caller makes sure it is the right kind of
        /// fd, and non-blocking.
        impl ::std::os::fd::FromRawFd for $ty {
            unsafe fn from_raw_fd(fd: ::std::os::fd::RawFd) -> $ty {
                $ty {
                    inner: $crate::io_source::IoSource::new(
                        // SAFETY: the caller of `from_raw_fd` guarantees that `fd` is open and
                        // that its ownership passes to us.
                        unsafe { ::std::os::fd::OwnedFd::from_raw_fd(fd) },
                    ),
                }
            }
        }

        /// Ends any registration, then gives the (still open) fd to the caller.
        impl ::std::os::fd::IntoRawFd for $ty {
            fn into_raw_fd(self) -> ::std::os::fd::RawFd {
                ::std::os::fd::IntoRawFd::into_raw_fd(self.inner.into_owned())
            }
        }
    };
}

/// The socket traits of an `IoSource` type on Windows: `AsRawSocket`, `AsSocket`,
/// `FromRawSocket`, `IntoRawSocket`.
#[cfg(windows)]
macro_rules! os_handle_impls {
    ($ty:ident) => {
        impl ::std::os::windows::io::AsRawSocket for $ty {
            fn as_raw_socket(&self) -> ::std::os::windows::io::RawSocket {
                self.inner.as_raw_source()
            }
        }

        impl ::std::os::windows::io::AsSocket for $ty {
            fn as_socket(&self) -> ::std::os::windows::io::BorrowedSocket<'_> {
                self.inner.as_source()
            }
        }

        /// Takes ownership of `socket` as it is: the caller makes sure it is the right kind
        /// of socket, and non-blocking.
        impl ::std::os::windows::io::FromRawSocket for $ty {
            unsafe fn from_raw_socket(socket: ::std::os::windows::io::RawSocket) -> $ty {
                $ty {
                    inner: $crate::io_source::IoSource::new(
                        // SAFETY: the caller of `from_raw_socket` guarantees that `socket` is
                        // open and that its ownership passes to us.
                        unsafe { ::std::os::windows::io::OwnedSocket::from_raw_socket(socket) },
                    ),
                }
            }
        }

        /// Ends any registration, then gives the (still open) socket to the caller.
        impl ::std::os::windows::io::IntoRawSocket for $ty {
            fn into_raw_socket(self) -> ::std::os::windows::io::RawSocket {
                ::std::os::windows::io::IntoRawSocket::into_raw_socket(self.inner.into_owned())
            }
        }
    };
}
pub(crate) use os_handle_impls;

/// `Read` and `Write` for `$ty` and `&$ty`, through the `sys` functions given (each takes a
/// `sys::BorrowedSource` and the buffer(s)) run by `IoSource::do_io`. `flush` does nothing:
/// nothing is buffered.
macro_rules! io_impls {
    // A stream socket's reads: a short read counts as reaching WouldBlock (do_stream_read).
    ($ty:ident: stream_read = $read:path, read_vectored = $readv:path) => {
        impl ::std::io::Read for $ty {
            fn read(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                (&*self).read(buf)
            }

            fn read_vectored(
                &mut self,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::io::Result<usize> {
                (&*self).read_vectored(bufs)
            }
        }

        impl ::std::io::Read for &$ty {
            fn read(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                self.inner.do_stream_read(buf.len(), |s| $read(s, buf))
            }

            fn read_vectored(
                &mut self,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::io::Result<usize> {
                let capacity = bufs.iter().map(|b| b.len()).sum();
                self.inner.do_stream_read(capacity, |s| $readv(s, bufs))
            }
        }
    };
    ($ty:ident: read = $read:path, read_vectored = $readv:path) => {
        impl ::std::io::Read for $ty {
            fn read(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                (&*self).read(buf)
            }

            fn read_vectored(
                &mut self,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::io::Result<usize> {
                (&*self).read_vectored(bufs)
            }
        }

        impl ::std::io::Read for &$ty {
            fn read(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                self.inner.do_io(|s| $read(s, buf))
            }

            fn read_vectored(
                &mut self,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::io::Result<usize> {
                self.inner.do_io(|s| $readv(s, bufs))
            }
        }
    };
    ($ty:ident: write = $write:path, write_vectored = $writev:path) => {
        impl ::std::io::Write for $ty {
            fn write(&mut self, buf: &[u8]) -> ::std::io::Result<usize> {
                (&*self).write(buf)
            }

            fn write_vectored(
                &mut self,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::io::Result<usize> {
                (&*self).write_vectored(bufs)
            }

            fn flush(&mut self) -> ::std::io::Result<()> {
                Ok(())
            }
        }

        impl ::std::io::Write for &$ty {
            fn write(&mut self, buf: &[u8]) -> ::std::io::Result<usize> {
                self.inner.do_io(|s| $write(s, buf))
            }

            fn write_vectored(
                &mut self,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::io::Result<usize> {
                self.inner.do_io(|s| $writev(s, bufs))
            }

            fn flush(&mut self) -> ::std::io::Result<()> {
                Ok(())
            }
        }
    };
}
pub(crate) use io_impls;
