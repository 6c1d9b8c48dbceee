//! Descriptor passing over Unix sockets (`SCM_RIGHTS`), as crosvm's `ScmSocket`.
//!
//! Invariants:
//! * no allocation: the control message is built in, and received into, a buffer on the
//!   stack with room for [`MAX_FDS`] descriptors; each call makes one `sendmsg` or `recvmsg`
//!   (plus, on macOS, one `fcntl` per received descriptor);
//! * more than [`MAX_FDS`] descriptors is refused before any system call (`EINVAL`);
//! * every received descriptor is close-on-exec: `MSG_CMSG_CLOEXEC` makes it so atomically
//!   where it exists (Linux, Android, FreeBSD); macOS lacks it, so `FD_CLOEXEC` is set right
//!   after `recvmsg` (a `fork` + `exec` in another thread in that instant can inherit one);
//! * a receive never leaks a descriptor: when the kernel truncated the control message
//!   (`MSG_CTRUNC`: more descriptors came than there was room for, or the process hit its
//!   descriptor limit), every descriptor that did arrive is closed and the call fails;
//! * sends carry `MSG_NOSIGNAL` where it exists (see net.rs).

use std::io;
use std::mem;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::ptr;

use crate::error;
use crate::sys::unix::net::SEND_FLAGS;
use crate::sys::unix::syscall;
use crate::sys::unix::uds::UnixAddr;

/// The most descriptors one message carries: Linux's `SCM_MAX_FD`. macOS and FreeBSD cap a
/// message by its size in the kernel (a cluster, 2 KiB, of 8-byte file pointers: about 254),
/// so the same number holds everywhere.
pub(crate) const MAX_FDS: usize = 253;

/// A control buffer with room for `CMSG_SPACE(MAX_FDS * 4)` on every platform (at most 1032
/// bytes: a 16-byte header, aligned to 8), aligned for `cmsghdr`.
#[repr(C, align(8))]
struct Control([u8; 1088]);

impl Control {
    fn new() -> Control {
        Control([0; 1088])
    }
}

/// The flags of every receive: received descriptors close-on-exec from the start where the
/// kernel can do it.
#[cfg(not(target_vendor = "apple"))]
const RECV_FLAGS: libc::c_int = libc::MSG_CMSG_CLOEXEC;
#[cfg(target_vendor = "apple")]
const RECV_FLAGS: libc::c_int = 0;

/// A stream carries descriptors with its bytes: a send of no byte sends nothing (Linux
/// returns 0 and drops them), so it is refused.
pub(crate) fn check_stream(buf: &[u8], fds: &[RawFd]) -> io::Result<()> {
    if buf.is_empty() && !fds.is_empty() {
        return Err(error::with_message(
            "sendmsg",
            libc::EINVAL,
            "a stream sends descriptors with at least one byte of data",
        ));
    }
    Ok(())
}

fn payload_len(fds: usize) -> libc::c_uint {
    (fds * mem::size_of::<libc::c_int>()) as libc::c_uint
}

/// `sendmsg(2)` of `buf` with `fds` in one `SCM_RIGHTS` message, to `to` (a datagram
/// socket's address) or the connected peer. The descriptors stay the caller's: the peer gets
/// copies. `WouldBlock` when the socket's buffer is full (nothing was sent).
pub(crate) fn send(
    fd: BorrowedFd<'_>,
    buf: &[u8],
    fds: &[RawFd],
    to: Option<&UnixAddr>,
) -> io::Result<usize> {
    if fds.len() > MAX_FDS {
        return Err(error::with_message(
            "sendmsg",
            libc::EINVAL,
            "more descriptors than one message carries (253)",
        ));
    }
    let mut control = Control::new();
    let mut iov = libc::iovec {
        // The kernel only reads it; iovec's field is `*mut` for readv's sake.
        iov_base: buf.as_ptr().cast_mut().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: msghdr is a plain C struct; all zeroes is a valid (empty) message.
    let mut msg: libc::msghdr = unsafe { mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    if let Some(addr) = to {
        msg.msg_name = addr.as_ptr().cast_mut().cast();
        msg.msg_namelen = addr.len();
    }
    if !fds.is_empty() {
        let payload = payload_len(fds.len());
        msg.msg_control = control.0.as_mut_ptr().cast();
        // SAFETY: CMSG_SPACE only computes; the result fits `control` (see its size).
        msg.msg_controllen = unsafe { libc::CMSG_SPACE(payload) } as _;
        // SAFETY: `msg` describes `control`, which has room for one header and `fds`
        // (checked above against MAX_FDS); CMSG_FIRSTHDR of a non-empty control buffer
        // points at its start, aligned for cmsghdr (the buffer is 8-aligned), and CMSG_DATA
        // inside it, with room for `payload` bytes.
        unsafe {
            let cmsg = libc::CMSG_FIRSTHDR(&msg);
            (*cmsg).cmsg_level = libc::SOL_SOCKET;
            (*cmsg).cmsg_type = libc::SCM_RIGHTS;
            (*cmsg).cmsg_len = libc::CMSG_LEN(payload) as _;
            ptr::copy_nonoverlapping(
                fds.as_ptr().cast::<u8>(),
                libc::CMSG_DATA(cmsg),
                payload as usize,
            );
        }
    }
    // SAFETY: every pointer in `msg` (the iovec, the address, the control buffer) points at
    // memory that lives across the call.
    let n = syscall!(sendmsg(fd.as_raw_fd(), &msg, SEND_FLAGS))?;
    Ok(n as usize)
}

/// `recvmsg(2)` into `buf`, with room for `fds.len()` descriptors (at most [`MAX_FDS`]): the
/// bytes received, and how many descriptors were written to the front of `fds` — new
/// descriptors, close-on-exec, that the caller now owns. A truncated control message closes
/// every descriptor that came and fails with `EMSGSIZE`. `WouldBlock` when nothing is queued.
pub(crate) fn recv(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    fds: &mut [RawFd],
) -> io::Result<(usize, usize)> {
    let room = fds.len().min(MAX_FDS);
    let mut control = Control::new();
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: msghdr is a plain C struct; all zeroes is a valid (empty) message.
    let mut msg: libc::msghdr = unsafe { mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    if room > 0 {
        msg.msg_control = control.0.as_mut_ptr().cast();
        // SAFETY: CMSG_SPACE only computes; the result fits `control` (see its size).
        msg.msg_controllen = unsafe { libc::CMSG_SPACE(payload_len(room)) } as _;
    }
    // SAFETY: `buf` is writable for its length and `control` for `msg_controllen` bytes;
    // both live across the call, which writes at most that much.
    let n = syscall!(recvmsg(fd.as_raw_fd(), &mut msg, RECV_FLAGS))? as usize;
    let mut count = 0;
    let mut overflow = false;
    // SAFETY: the kernel filled `control` with `msg.msg_controllen` bytes of well-formed
    // control messages; CMSG_FIRSTHDR / CMSG_NXTHDR walk them and stop (null) at the end,
    // and each SCM_RIGHTS message holds `cmsg_len - CMSG_LEN(0)` bytes of ints after
    // CMSG_DATA (read unaligned: CMSG_DATA need not be aligned for c_int).
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(cmsg);
                let bytes = (*cmsg).cmsg_len as usize - libc::CMSG_LEN(0) as usize;
                for i in 0..bytes / mem::size_of::<libc::c_int>() {
                    let received = ptr::read_unaligned(data.cast::<libc::c_int>().add(i));
                    if count < fds.len() {
                        fds[count] = received;
                        count += 1;
                    } else {
                        overflow = true;
                        libc::close(received);
                    }
                }
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    let received = &fds[..count];
    if msg.msg_flags & libc::MSG_CTRUNC != 0 || overflow {
        close_all(received);
        return Err(error::with_message(
            "recvmsg",
            libc::EMSGSIZE,
            "more descriptors came than there was room for: the control message was \
             truncated, and every descriptor that arrived was closed",
        ));
    }
    #[cfg(target_vendor = "apple")]
    for &new in received {
        if let Err(err) = crate::sys::unix::adopt::set_cloexec_raw(new) {
            close_all(received);
            return Err(err);
        }
    }
    Ok((n, count))
}

fn close_all(fds: &[RawFd]) {
    for &fd in fds {
        // SAFETY: each one is a descriptor this receive created and nobody else knows of.
        unsafe { libc::close(fd) };
    }
}
