//! Reads on a stream socket: what `sys/unix/io.rs` does with `read`/`readv` on an fd, done
//! with `recv`/`WSARecv` (Windows has no `read` on a SOCKET). Writes are `net::send*` on both.

use std::io::{self, IoSliceMut};
use std::os::windows::io::BorrowedSocket;

/// `recv` into `buf`. An empty buffer reads 0 bytes at once, as `read(2)` does on Unix:
/// winsock would answer a zero-byte `recv` with `WSAEWOULDBLOCK` while nothing is queued.
pub(crate) fn read(socket: BorrowedSocket<'_>, buf: &mut [u8]) -> io::Result<usize> {
    if buf.is_empty() {
        return Ok(0);
    }
    super::net::recv(socket, buf)
}

/// `WSARecv` into `bufs`; buffers that hold nothing read 0 bytes at once, as in [`read`].
pub(crate) fn read_vectored(
    socket: BorrowedSocket<'_>,
    bufs: &mut [IoSliceMut<'_>],
) -> io::Result<usize> {
    if bufs.iter().all(|buf| buf.is_empty()) {
        return Ok(0);
    }
    super::net::recv_vectored(socket, bufs)
}
