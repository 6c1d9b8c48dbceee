//! `IoSource`: an fd wakepoll owns (a socket, a pipe end) together with its registration.
//!
//! Every socket and pipe type is an `IoSource` plus methods. The source's `Registration`
//! record (see `event/registration.rs`) does the bookkeeping, the selector's owned-fd calls the
//! OS work:
//!
//! * one `Poll` at a time: registering with a second `Poll` is `EEXIST`; reregistering or
//!   deregistering where it is not registered, `ENOENT` (or `EEXIST` if it is registered
//!   elsewhere) — the semantics of `sync::Event`;
//! * registrations are edge-triggered and go through `register_owned`, so a stale `SourceFd`
//!   with the same number can neither retarget nor deregister the socket, and the record never
//!   falls out of step with epoll;
//! * `Drop` ends the registration before the fd closes, and so does
//!   [`into_fd`](IoSource::into_fd) before handing the fd on: no `Poll` ever reports a token
//!   for a socket that no longer exists, and an fd given away carries no registration with it.

use std::fmt;
use std::io;
use std::mem::ManuallyDrop;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::ptr;

use crate::event::Registration;
use crate::sys::Trigger;
use crate::{Interest, Registry, Token};

/// An owned fd and the record of the one `Poll` it is registered with.
pub(crate) struct IoSource {
    fd: OwnedFd,
    registration: Registration,
}

impl IoSource {
    /// Takes ownership of `fd`, registered nowhere.
    pub(crate) fn new(fd: OwnedFd) -> IoSource {
        IoSource {
            fd,
            registration: Registration::new(),
        }
    }

    pub(crate) fn register(
        &self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        let fd = self.fd.as_raw_fd();
        self.registration.register(registry.selector(), |selector| {
            selector.register_owned(fd, token, interests, Trigger::Edge)
        })
    }

    pub(crate) fn reregister(
        &self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        let fd = self.fd.as_raw_fd();
        self.registration
            .reregister(registry.selector(), |selector| {
                selector.reregister_owned(fd, token, interests, Trigger::Edge)
            })
    }

    pub(crate) fn deregister(&self, registry: &Registry) -> io::Result<()> {
        let fd = self.fd.as_raw_fd();
        self.registration
            .deregister(registry.selector(), |selector| {
                selector.deregister_owned(fd)
            })
    }

    /// Ends any registration and gives up the fd, still open, to the caller.
    pub(crate) fn into_fd(self) -> OwnedFd {
        self.leave_selector();
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped nor used again, so the fd is moved out exactly once
        // and the (now empty) registration record is dropped in place exactly once.
        unsafe {
            let fd = ptr::read(&this.fd);
            ptr::drop_in_place(&mut this.registration);
            fd
        }
    }

    fn leave_selector(&self) {
        let fd = self.fd.as_raw_fd();
        self.registration
            .clear(|selector| selector.deregister_owned(fd));
    }
}

impl Drop for IoSource {
    fn drop(&mut self) {
        // While the fd number is still ours: no other open of the same number can be
        // mistaken for this source.
        self.leave_selector();
    }
}

impl AsFd for IoSource {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for IoSource {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl fmt::Debug for IoSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoSource")
            .field("fd", &self.fd.as_raw_fd())
            .finish()
    }
}

/// The trait impls every `IoSource` type shares: `event::Source` for `T` and `&T` (through
/// the registration record), the fd conversions (`AsRawFd`, `AsFd`, `FromRawFd`,
/// `IntoRawFd`, `From<OwnedFd>`, `Into<OwnedFd>`), and `Debug`. `$ty` has one field,
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

        impl ::std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> ::std::os::fd::RawFd {
                ::std::os::fd::AsRawFd::as_raw_fd(&self.inner)
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
                ::std::os::fd::IntoRawFd::into_raw_fd(self.inner.into_fd())
            }
        }

        /// Takes ownership of `fd` as it is: it should be the right kind of fd, and
        /// non-blocking.
        impl ::std::convert::From<::std::os::fd::OwnedFd> for $ty {
            fn from(fd: ::std::os::fd::OwnedFd) -> $ty {
                $ty {
                    inner: $crate::io_source::IoSource::new(fd),
                }
            }
        }

        /// Ends any registration, then gives the (still open) fd to the caller.
        impl ::std::convert::From<$ty> for ::std::os::fd::OwnedFd {
            fn from(source: $ty) -> ::std::os::fd::OwnedFd {
                source.inner.into_fd()
            }
        }

        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("fd", &::std::os::fd::AsRawFd::as_raw_fd(&self.inner))
                    .finish()
            }
        }
    };
}
pub(crate) use io_source_impls;

/// `Read` and `Write` for `$ty` and `&$ty`, through the `sys` functions given (each takes a
/// `BorrowedFd` and the buffer(s)). `flush` does nothing: nothing is buffered.
macro_rules! io_impls {
    ($ty:ident: read = $read:path, read_vectored = $readv:path) => {
        impl ::std::io::Read for $ty {
            fn read(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                $read(::std::os::fd::AsFd::as_fd(&self.inner), buf)
            }

            fn read_vectored(
                &mut self,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::io::Result<usize> {
                $readv(::std::os::fd::AsFd::as_fd(&self.inner), bufs)
            }
        }

        impl ::std::io::Read for &$ty {
            fn read(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                $read(::std::os::fd::AsFd::as_fd(&self.inner), buf)
            }

            fn read_vectored(
                &mut self,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::io::Result<usize> {
                $readv(::std::os::fd::AsFd::as_fd(&self.inner), bufs)
            }
        }
    };
    ($ty:ident: write = $write:path, write_vectored = $writev:path) => {
        impl ::std::io::Write for $ty {
            fn write(&mut self, buf: &[u8]) -> ::std::io::Result<usize> {
                $write(::std::os::fd::AsFd::as_fd(&self.inner), buf)
            }

            fn write_vectored(
                &mut self,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::io::Result<usize> {
                $writev(::std::os::fd::AsFd::as_fd(&self.inner), bufs)
            }

            fn flush(&mut self) -> ::std::io::Result<()> {
                Ok(())
            }
        }

        impl ::std::io::Write for &$ty {
            fn write(&mut self, buf: &[u8]) -> ::std::io::Result<usize> {
                $write(::std::os::fd::AsFd::as_fd(&self.inner), buf)
            }

            fn write_vectored(
                &mut self,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::io::Result<usize> {
                $writev(::std::os::fd::AsFd::as_fd(&self.inner), bufs)
            }

            fn flush(&mut self) -> ::std::io::Result<()> {
                Ok(())
            }
        }
    };
}
pub(crate) use io_impls;
