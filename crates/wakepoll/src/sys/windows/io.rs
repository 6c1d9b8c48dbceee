//! Reads on a stream socket: what `sys/unix/io.rs` does with `read`/`readv` on an fd, done
//! with `recv`/`WSARecv` (Windows has no `read` on a SOCKET). Writes are `net::send*` on both.

pub(crate) use super::net::{recv as read, recv_vectored as read_vectored};
