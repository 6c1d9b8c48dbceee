//! The physical-limit peer of the echo row: an echo server written straight on libc's epoll,
//! read and write — no wakepoll, no mio — so that the row can say how close wakepoll's server
//! (a JavaScript loop over the Node module) comes to what the kernel allows one thread.
//!
//! The same rules as examples/echo/server-wakepoll.ts: single-threaded, edge-triggered,
//! accept until `EAGAIN`, read until `EAGAIN` or a short read (a short read of a stream socket
//! means drained, so the read that would only say "would block" is not made), echo what was
//! read, buffer what the socket does not take behind `EPOLLOUT`, `TCP_NODELAY` on accepted
//! sockets, a 64 KiB read buffer, 1024 events per `epoll_wait`.
//!
//! It listens on 127.0.0.1 (port chosen by the kernel), prints `{"port":N}` on stdout, and
//! serves until its stdin reaches end of file (the bench closes it to stop the server).

use std::collections::HashMap;
use std::io::{self, Write};
use std::mem;
use std::os::fd::RawFd;

const STDIN: u64 = u64::MAX;
const LISTENER: u64 = u64::MAX - 1;
const BUF: usize = 64 * 1024;

struct Conn {
    fd: RawFd,
    /// Echo not yet taken by the socket, oldest first.
    pending: Vec<u8>,
    /// Registered for EPOLLOUT too.
    writable: bool,
}

fn check(ret: libc::c_int, what: &str) -> io::Result<libc::c_int> {
    if ret < 0 {
        let err = io::Error::last_os_error();
        Err(io::Error::new(err.kind(), format!("{what}: {err}")))
    } else {
        Ok(ret)
    }
}

fn ctl(epfd: RawFd, op: libc::c_int, fd: RawFd, events: u32, data: u64) -> io::Result<()> {
    let mut ev = libc::epoll_event { events, u64: data };
    // SAFETY: `ev` is a live epoll_event for the duration of the call.
    check(
        unsafe { libc::epoll_ctl(epfd, op, fd, &mut ev) },
        "epoll_ctl",
    )
    .map(drop)
}

fn listen_loopback() -> io::Result<(RawFd, u16)> {
    // SAFETY: plain socket calls on an fd this function owns; the sockaddr_in and its length
    // are live locals of the right size.
    unsafe {
        let fd = check(
            libc::socket(
                libc::AF_INET,
                libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                0,
            ),
            "socket",
        )?;
        let mut addr: libc::sockaddr_in = mem::zeroed();
        addr.sin_family = libc::AF_INET as libc::sa_family_t;
        addr.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        let len = mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        check(
            libc::bind(fd, (&addr as *const libc::sockaddr_in).cast(), len),
            "bind",
        )?;
        check(libc::listen(fd, 1024), "listen")?;
        let mut len = len;
        check(
            libc::getsockname(fd, (&mut addr as *mut libc::sockaddr_in).cast(), &mut len),
            "getsockname",
        )?;
        Ok((fd, u16::from_be(addr.sin_port)))
    }
}

/// Writes what it can of `data` to `conn`, keeps the rest behind EPOLLOUT.
fn send(epfd: RawFd, conn: &mut Conn, data: &[u8]) -> io::Result<()> {
    if !conn.pending.is_empty() {
        conn.pending.extend_from_slice(data);
        return Ok(());
    }
    let mut off = 0;
    while off < data.len() {
        // SAFETY: writes from the live slice `data[off..]`.
        let n = unsafe { libc::write(conn.fd, data[off..].as_ptr().cast(), data.len() - off) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::WouldBlock {
                break;
            }
            return Err(err);
        }
        off += n as usize;
    }
    if off < data.len() {
        conn.pending.extend_from_slice(&data[off..]);
        if !conn.writable {
            let ev = (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLET | libc::EPOLLRDHUP) as u32;
            ctl(epfd, libc::EPOLL_CTL_MOD, conn.fd, ev, conn.fd as u64)?;
            conn.writable = true;
        }
    }
    Ok(())
}

fn flush(epfd: RawFd, conn: &mut Conn) -> io::Result<()> {
    while !conn.pending.is_empty() {
        // SAFETY: writes from the live Vec `conn.pending`.
        let n = unsafe { libc::write(conn.fd, conn.pending.as_ptr().cast(), conn.pending.len()) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::WouldBlock {
                return Ok(());
            }
            return Err(err);
        }
        conn.pending.drain(..n as usize);
    }
    if conn.writable {
        let ev = (libc::EPOLLIN | libc::EPOLLET | libc::EPOLLRDHUP) as u32;
        ctl(epfd, libc::EPOLL_CTL_MOD, conn.fd, ev, conn.fd as u64)?;
        conn.writable = false;
    }
    Ok(())
}

/// Reads until would-block, a short read or end of stream; `Ok(false)` when the peer is gone.
fn on_readable(epfd: RawFd, conn: &mut Conn, buf: &mut [u8]) -> io::Result<bool> {
    loop {
        // SAFETY: reads into the live buffer `buf`.
        let n = unsafe { libc::read(conn.fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::WouldBlock {
                return Ok(true);
            }
            return Err(err);
        }
        if n == 0 {
            return Ok(false);
        }
        let n = n as usize;
        send(epfd, conn, &buf[..n])?;
        if n < buf.len() {
            return Ok(true); // a short read drained the stream socket
        }
    }
}

pub fn serve() -> io::Result<()> {
    let (listener, port) = listen_loopback()?;
    // SAFETY: epoll_create1 takes flags only.
    let epfd = check(
        unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) },
        "epoll_create1",
    )?;
    ctl(
        epfd,
        libc::EPOLL_CTL_ADD,
        listener,
        (libc::EPOLLIN | libc::EPOLLET) as u32,
        LISTENER,
    )?;
    ctl(epfd, libc::EPOLL_CTL_ADD, 0, libc::EPOLLIN as u32, STDIN)?;
    {
        let mut out = io::stdout().lock();
        writeln!(out, "{{\"port\":{port}}}")?;
        out.flush()?;
    }
    let mut conns: HashMap<RawFd, Conn> = HashMap::new();
    let mut buf = vec![0u8; BUF];
    let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; 1024];
    loop {
        // SAFETY: the kernel writes at most `events.len()` entries into the live Vec.
        let n = unsafe { libc::epoll_wait(epfd, events.as_mut_ptr(), events.len() as i32, -1) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        for ev in &events[..n as usize] {
            let (flags, data) = (ev.events, ev.u64);
            match data {
                STDIN => {
                    for (_, conn) in conns.drain() {
                        // SAFETY: the fd is this server's and closed once.
                        unsafe { libc::close(conn.fd) };
                    }
                    return Ok(());
                }
                LISTENER => loop {
                    // SAFETY: accept4 with null address arguments; the fd it returns is ours.
                    let fd = unsafe {
                        libc::accept4(
                            listener,
                            std::ptr::null_mut(),
                            std::ptr::null_mut(),
                            libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                        )
                    };
                    if fd < 0 {
                        break; // EAGAIN (or a connection gone before accept: try next edge)
                    }
                    let one: libc::c_int = 1;
                    // SAFETY: sets an int option from a live local.
                    unsafe {
                        libc::setsockopt(
                            fd,
                            libc::IPPROTO_TCP,
                            libc::TCP_NODELAY,
                            (&one as *const libc::c_int).cast(),
                            mem::size_of::<libc::c_int>() as libc::socklen_t,
                        )
                    };
                    let ev = (libc::EPOLLIN | libc::EPOLLET | libc::EPOLLRDHUP) as u32;
                    ctl(epfd, libc::EPOLL_CTL_ADD, fd, ev, fd as u64)?;
                    conns.insert(
                        fd,
                        Conn {
                            fd,
                            pending: Vec::new(),
                            writable: false,
                        },
                    );
                },
                fd => {
                    let fd = fd as RawFd;
                    let Some(conn) = conns.get_mut(&fd) else {
                        continue;
                    };
                    let mut alive = true;
                    if flags & libc::EPOLLOUT as u32 != 0 {
                        alive = flush(epfd, conn).is_ok();
                    }
                    let readable =
                        libc::EPOLLIN | libc::EPOLLRDHUP | libc::EPOLLHUP | libc::EPOLLERR;
                    if alive && flags & readable as u32 != 0 {
                        alive = matches!(on_readable(epfd, conn, &mut buf), Ok(true));
                    }
                    if !alive {
                        conns.remove(&fd);
                        // SAFETY: the fd is this server's; closing also ends its registration.
                        unsafe { libc::close(fd) };
                    }
                }
            }
        }
    }
}
