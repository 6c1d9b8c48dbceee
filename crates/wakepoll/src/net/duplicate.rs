//! Windows' way of handing a socket to another process — `duplicate_for(pid)` in the source,
//! `from_duplicate(text)` in the target — on the IP socket types. On Unix both fail with
//! `Unsupported` (`ENOTSUP`): a socket crosses there as an fd over a Unix stream
//! (`UnixStream::send_with_fds`), adopted with `from_raw_descriptor`.

/// `duplicate_for` and `from_duplicate` for a socket type whose kind is `$kind`.
macro_rules! duplicate_impl {
    ($ty:ident, $kind:ident) => {
        impl $ty {
            /// Windows: lets process `pid` make its own socket for this one. Returns text (the
            /// hex bytes of `WSADuplicateSocketW`'s `WSAPROTOCOL_INFOW`) to hand to that
            /// process by any channel; there,
            #[doc = concat!("[`from_duplicate`](", stringify!($ty), "::from_duplicate)")]
            /// makes the socket. Both processes then hold the same socket: each closes its own.
            /// The text is good for `pid` only, once.
            ///
            /// On Unix: `Unsupported` (`ENOTSUP`); send the socket's fd over a
            /// [`UnixStream`](crate::net::UnixStream) with `send_with_fds` instead.
            pub fn duplicate_for(&self, pid: u32) -> ::std::io::Result<String> {
                $crate::sys::duplicate::duplicate_for(self.inner.as_source(), pid)
            }

            /// Windows: this process's socket for the text that
            #[doc = concat!("[`duplicate_for`](", stringify!($ty), "::duplicate_for)")]
            /// made for it in another process (non-blocking, not inheritable). Text that is
            /// not such is `EINVAL`, as is a socket of another kind (which is closed again:
            /// the other process's socket is not touched).
            ///
            /// On Unix: `Unsupported` (`ENOTSUP`); adopt an fd received over a Unix stream
            /// with `from_raw_descriptor` instead.
            pub fn from_duplicate(text: &str) -> ::std::io::Result<$ty> {
                let owned = $crate::sys::duplicate::from_duplicate(text)?;
                let raw = $crate::sys::raw_source(&owned);
                let found = $crate::sys::adopt::classify(raw)?;
                if found != Ok($crate::net::SocketKind::$kind) {
                    return Err($crate::net::adopt::mismatch(
                        found,
                        $crate::net::SocketKind::$kind,
                    ));
                }
                Ok($ty::from(owned))
            }
        }
    };
}
pub(crate) use duplicate_impl;
