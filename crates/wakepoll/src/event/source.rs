//! `Source`: anything a [`Registry`](crate::Registry) can watch.

use std::io;

use crate::{Interest, Registry, Token};

/// An event source that may be registered with [`Registry`].
///
/// Implementors delegate to a source wakepoll provides (for example
/// [`SourceFd`](crate::unix::SourceFd)); they are not meant to be called directly, but through
/// `Registry::{register, reregister, deregister}`.
pub trait Source {
    /// Registers `self` with `registry`. Called by [`Registry::register`].
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()>;

    /// Re-registers `self`. Called by [`Registry::reregister`].
    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()>;

    /// Deregisters `self`. Called by [`Registry::deregister`].
    fn deregister(&mut self, registry: &Registry) -> io::Result<()>;
}

impl<T> Source for Box<T>
where
    T: Source + ?Sized,
{
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        (**self).register(registry, token, interests)
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        (**self).reregister(registry, token, interests)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        (**self).deregister(registry)
    }
}
