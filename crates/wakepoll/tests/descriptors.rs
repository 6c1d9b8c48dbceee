//! Descriptors in and out (issue #24) on Unix: checked adoption of every socket kind
//! (`from_raw_descriptor`, `AnySocket`), `into_raw_source`, and `SCM_RIGHTS` passing over Unix
//! streams and datagrams. Socket activation: listen_fds.rs; Windows: descriptors_windows.rs.
#![cfg(unix)]

mod util;

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use util::{
    assert_nonblocking_cloexec, assert_would_block, code, expect_no_events, temp_socket_path,
    wait_for,
};
use wakepoll::event::IntoRawSource;
use wakepoll::net::{
    socket_kind, AnySocket, SocketKind, TcpListener, TcpStream, UdpSocket, UnixDatagram,
    UnixListener, UnixStream, MAX_FDS_PER_MESSAGE,
};
use wakepoll::{error, Events, Interest, Poll, Token};

const KINDS: [SocketKind; 6] = [
    SocketKind::TcpListener,
    SocketKind::TcpStream,
    SocketKind::UdpSocket,
    SocketKind::UnixListener,
    SocketKind::UnixStream,
    SocketKind::UnixDatagram,
];

/// A syscall's result, or a panic naming it.
#[track_caller]
fn check(ret: libc::c_int, what: &str) -> libc::c_int {
    assert!(ret >= 0, "{what}: {}", io::Error::last_os_error());
    ret
}

/// A socket made the way another program would: blocking, and inheritable (no FD_CLOEXEC).
fn plain_socket(domain: libc::c_int, kind: libc::c_int) -> OwnedFd {
    // SAFETY: socket takes three integers.
    let fd = check(unsafe { libc::socket(domain, kind, 0) }, "socket");
    // SAFETY: just returned by the kernel, owned by nobody else.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

fn bind_loopback(fd: &OwnedFd) -> SocketAddrV4 {
    // SAFETY: sockaddr_in is plain C data; all zeroes is valid.
    let mut sin: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    sin.sin_family = libc::AF_INET as libc::sa_family_t;
    sin.sin_addr.s_addr = u32::from_ne_bytes(Ipv4Addr::LOCALHOST.octets());
    let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    // SAFETY: `sin` is a valid address of `len` bytes.
    check(
        unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&sin as *const libc::sockaddr_in).cast(),
                len,
            )
        },
        "bind",
    );
    // SAFETY: `sin` has room for `len` bytes; the kernel updates `len`.
    check(
        unsafe {
            libc::getsockname(
                fd.as_raw_fd(),
                (&mut sin as *mut libc::sockaddr_in).cast(),
                &mut len,
            )
        },
        "getsockname",
    );
    SocketAddrV4::new(Ipv4Addr::LOCALHOST, u16::from_be(sin.sin_port))
}

/// The sockets of one test: one of every kind (blocking, inheritable), and what keeps the
/// stream ones connected.
struct Plain {
    sockets: Vec<(SocketKind, OwnedFd)>,
    _keep: Vec<OwnedFd>,
    path: std::path::PathBuf,
}

impl Drop for Plain {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn plain_sockets() -> Plain {
    let tcp_listener = plain_socket(libc::AF_INET, libc::SOCK_STREAM);
    let addr = bind_loopback(&tcp_listener);
    // SAFETY: listen takes two integers.
    check(
        unsafe { libc::listen(tcp_listener.as_raw_fd(), 8) },
        "listen",
    );
    let tcp_stream = OwnedFd::from(std::net::TcpStream::connect(addr).unwrap());
    let udp = plain_socket(libc::AF_INET, libc::SOCK_DGRAM);
    bind_loopback(&udp);
    let path = temp_socket_path("adopt");
    let unix_listener = OwnedFd::from(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let (unix_stream, peer) = std::os::unix::net::UnixStream::pair().unwrap();
    let (unix_datagram, dgram_peer) = std::os::unix::net::UnixDatagram::pair().unwrap();
    let mut sockets = vec![
        (SocketKind::TcpListener, tcp_listener),
        (SocketKind::TcpStream, tcp_stream),
        (SocketKind::UdpSocket, udp),
        (SocketKind::UnixListener, unix_listener),
        (SocketKind::UnixStream, OwnedFd::from(unix_stream)),
        (SocketKind::UnixDatagram, OwnedFd::from(unix_datagram)),
    ];
    // std makes its sockets close-on-exec; take that off, as a supervisor's would be.
    for (_, fd) in &mut sockets {
        // SAFETY: F_SETFD takes an int; the fd is ours and open.
        check(
            unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, 0) },
            "F_SETFD",
        );
    }
    Plain {
        sockets,
        _keep: vec![OwnedFd::from(peer), OwnedFd::from(dgram_peer)],
        path,
    }
}

/// `(F_GETFL, F_GETFD)` of an open fd.
fn flags(fd: RawFd) -> (libc::c_int, libc::c_int) {
    // SAFETY: F_GETFL/F_GETFD only read the flags.
    unsafe {
        (
            check(libc::fcntl(fd, libc::F_GETFL), "F_GETFL"),
            check(libc::fcntl(fd, libc::F_GETFD), "F_GETFD"),
        )
    }
}

/// Adopts `fd` as `kind`'s type; the error, or the adopted socket given back (still open).
fn adopt_as(kind: SocketKind, fd: RawFd) -> io::Result<RawFd> {
    let raw = i64::from(fd);
    // SAFETY: on success the socket is taken and handed straight back with into_raw_source,
    // so the test's OwnedFd stays the one owner.
    unsafe {
        Ok(match kind {
            SocketKind::TcpListener => TcpListener::from_raw_descriptor(raw)?.into_raw_source(),
            SocketKind::TcpStream => TcpStream::from_raw_descriptor(raw)?.into_raw_source(),
            SocketKind::UdpSocket => UdpSocket::from_raw_descriptor(raw)?.into_raw_source(),
            SocketKind::UnixListener => UnixListener::from_raw_descriptor(raw)?.into_raw_source(),
            SocketKind::UnixStream => UnixStream::from_raw_descriptor(raw)?.into_raw_source(),
            SocketKind::UnixDatagram => UnixDatagram::from_raw_descriptor(raw)?.into_raw_source(),
        })
    }
}

#[test]
fn every_kind_is_adopted_as_its_type_non_blocking_and_close_on_exec() {
    let plain = plain_sockets();
    for (kind, fd) in &plain.sockets {
        let fd = fd.as_raw_fd();
        assert_eq!(socket_kind(fd).unwrap(), *kind);
        let (fl, fdfl) = flags(fd);
        assert_eq!(fl & libc::O_NONBLOCK, 0, "{kind:?} starts blocking");
        assert_eq!(fdfl & libc::FD_CLOEXEC, 0, "{kind:?} starts inheritable");
        assert_eq!(adopt_as(*kind, fd).unwrap(), fd, "{kind:?}");
        assert_nonblocking_cloexec(fd);
    }
}

#[test]
fn an_adopted_listener_accepts_without_blocking() {
    let fd = plain_socket(libc::AF_INET, libc::SOCK_STREAM);
    bind_loopback(&fd);
    // SAFETY: listen takes two integers.
    check(unsafe { libc::listen(fd.as_raw_fd(), 8) }, "listen");
    // SAFETY: the test owns `fd` and hands it over (into_raw_fd: no second owner).
    let raw = std::os::fd::IntoRawFd::into_raw_fd(fd);
    let mut listener = unsafe { TcpListener::from_raw_descriptor(i64::from(raw)) }.unwrap();
    assert_would_block(listener.accept());
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    poll.registry()
        .register(&mut listener, Token(1), Interest::READABLE)
        .unwrap();
    let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    wait_for(&mut poll, &mut events, Token(1), |s| s.readable);
    let (_stream, peer) = listener.accept().unwrap();
    assert!(peer.ip().is_loopback());
}

#[test]
fn another_kind_is_einval_naming_it_and_the_fd_is_left_as_it_was() {
    let plain = plain_sockets();
    for (found, fd) in &plain.sockets {
        let fd = fd.as_raw_fd();
        let before = flags(fd);
        for expected in KINDS.into_iter().filter(|k| k != found) {
            let err = adopt_as(expected, fd).unwrap_err();
            assert_eq!(code(&err), "EINVAL", "{found:?} as {expected:?}");
            let message = err.to_string();
            assert!(
                message.contains(found.description()) && message.contains(expected.type_name()),
                "{message}"
            );
            assert_eq!(
                flags(fd),
                before,
                "{found:?} as {expected:?} changed the fd"
            );
        }
    }
}

#[test]
fn a_seqpacket_socket_is_named_and_refused_by_every_type() {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two fds socketpair writes.
    check(
        unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_SEQPACKET, 0, fds.as_mut_ptr()) },
        "socketpair",
    );
    // SAFETY: both were just returned by the kernel.
    let (a, _b) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let err = socket_kind(a.as_raw_fd()).unwrap_err();
    assert_eq!(code(&err), "EINVAL");
    assert!(err.to_string().contains("seqpacket"), "{err}");
    for kind in KINDS {
        let err = adopt_as(kind, a.as_raw_fd()).unwrap_err();
        assert_eq!(code(&err), "EINVAL");
        assert!(err.to_string().contains("seqpacket"), "{err}");
    }
    // SAFETY: as above, with `AnySocket`, which takes nothing on failure.
    let err = unsafe { AnySocket::from_raw_descriptor(i64::from(a.as_raw_fd())) }.unwrap_err();
    assert_eq!(code(&err), "EINVAL");
}

#[test]
fn a_non_socket_is_enotsock_a_closed_fd_ebadf_and_both_are_left_alone() {
    let (r, w) = pipe_fds();
    let before = flags(r.as_raw_fd());
    for kind in KINDS {
        let err = adopt_as(kind, r.as_raw_fd()).unwrap_err();
        assert_eq!(code(&err), "ENOTSOCK", "{kind:?}");
        assert_eq!(flags(r.as_raw_fd()), before);
    }
    // Still open and working.
    (&std::fs::File::from(w)).write_all(b"ok").unwrap();
    let mut buf = [0; 2];
    std::fs::File::from(r).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ok");

    let limit = open_files_limit();
    for fd in [i64::from(limit), -1, i64::from(i32::MAX) + 1] {
        // SAFETY: none of these is an open fd: nothing can be taken.
        let err = unsafe { TcpListener::from_raw_descriptor(fd) }.unwrap_err();
        assert_eq!(code(&err), "EBADF", "{fd}");
    }
}

/// The soft open-files limit: no fd can be open at that number (a closed fd number could be
/// reused by another test's thread at once).
fn open_files_limit() -> RawFd {
    // SAFETY: rlimit is plain C data; getrlimit fills it.
    let mut limit: libc::rlimit = unsafe { std::mem::zeroed() };
    // SAFETY: `limit` is a live, writable rlimit.
    check(
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
        "getrlimit",
    );
    RawFd::try_from(limit.rlim_cur).unwrap_or(RawFd::MAX)
}

/// A pipe made as another program would (blocking, inheritable): (read end, write end).
fn pipe_fds() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two fds pipe writes.
    check(unsafe { libc::pipe(fds.as_mut_ptr()) }, "pipe");
    // SAFETY: both were just returned by the kernel.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

#[test]
fn any_socket_takes_whichever_kind_it_is() {
    let plain = plain_sockets();
    for (kind, fd) in &plain.sockets {
        let fd = fd.as_raw_fd();
        // SAFETY: handed straight back below, so the test's OwnedFd stays the owner.
        let socket = unsafe { AnySocket::from_raw_descriptor(i64::from(fd)) }.unwrap();
        assert_eq!(socket.kind(), *kind);
        assert_eq!(socket.into_raw_source(), fd);
        assert_nonblocking_cloexec(fd);
    }
}

#[test]
fn into_raw_source_ends_the_registration_and_keeps_the_fd_open() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    let (mut a, mut b) = UnixStream::pair().unwrap();
    poll.registry()
        .register(&mut a, Token(1), Interest::READABLE)
        .unwrap();
    b.write_all(b"before").unwrap();
    let fd = a.into_raw_source();
    // Pending readiness included: no event for the token that was given up.
    expect_no_events(&mut poll, &mut events);
    b.write_all(b" after").unwrap();
    expect_no_events(&mut poll, &mut events);
    // SAFETY: into_raw_source gave this fd to the test.
    let mut file = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    let mut buf = [0; 12];
    file.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"before after");
    // The pipe ends too.
    let (tx, mut rx) = wakepoll::pipe::new().unwrap();
    poll.registry()
        .register(&mut rx, Token(2), Interest::READABLE)
        .unwrap();
    let rx_fd = rx.into_raw_source();
    (&tx).write_all(b"x").unwrap();
    expect_no_events(&mut poll, &mut events);
    // SAFETY: as above.
    drop(unsafe { OwnedFd::from_raw_fd(rx_fd) });
}

/// How many fds of this process are the pipe of `end` (Linux: their /proc/self/fd links
/// name its inode). Counting only these keeps other tests' fds, opened and closed by other
/// threads meanwhile, out of the count.
#[cfg(target_os = "linux")]
fn fds_of_pipe(end: &OwnedFd) -> usize {
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::File::from(end.try_clone().unwrap())
        .metadata()
        .unwrap()
        .ino();
    let link = format!("pipe:[{inode}]");
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter(|target| target.to_str() == Some(link.as_str()))
        .count()
}

#[test]
fn descriptors_cross_a_stream_and_arrive_close_on_exec() {
    let (a, b) = UnixStream::pair().unwrap();
    let (r, w) = pipe_fds();
    assert_eq!(a.send_with_fds(b"fd", &[r.as_raw_fd()]).unwrap(), 2);
    let mut buf = [0; 8];
    let mut fds = [-1; 4];
    let (n, count) = b.recv_with_fds(&mut buf, &mut fds).unwrap();
    assert_eq!((n, count, &buf[..2]), (2, 1, &b"fd"[..]));
    let received = fds[0];
    assert_ne!(received, r.as_raw_fd());
    assert_ne!(flags(received).1 & libc::FD_CLOEXEC, 0, "not close-on-exec");
    // The same pipe: what the sender's write end writes, the received read end reads.
    (&std::fs::File::from(w)).write_all(b"through").unwrap();
    // SAFETY: recv_with_fds gave this fd to the test.
    let mut file = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(received) });
    let mut got = [0; 7];
    file.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"through");
    // The sender's fd is still its own.
    assert!(flags(r.as_raw_fd()).0 >= 0);
    assert_would_block(b.recv_with_fds(&mut buf, &mut fds));
}

/// Whether qemu-user runs this test (scripts/release/qemu-arm64.sh says so): it hands the host
/// kernel a control buffer twice the size the program gave (linux-user/syscall.c,
/// do_sendrecvmsg_locked), so a truncated SCM_RIGHTS message installs descriptors that qemu
/// then cuts off while copying the message back and never closes: a count of them measures
/// qemu, not wakepoll.
#[cfg(target_os = "linux")]
fn under_qemu_user() -> bool {
    std::env::var_os("WAKEPOLL_EMULATOR").is_some_and(|v| !v.is_empty())
}

#[test]
fn a_truncated_receive_closes_every_descriptor_that_came_and_fails() {
    let (a, b) = UnixStream::pair().unwrap();
    let (r, w) = pipe_fds();
    let sent = [r.as_raw_fd(), w.as_raw_fd(), r.as_raw_fd()];
    #[cfg(target_os = "linux")]
    let count = || {
        if under_qemu_user() {
            0
        } else {
            fds_of_pipe(&r)
        }
    };
    #[cfg(target_os = "linux")]
    if under_qemu_user() {
        eprintln!("leak count skipped: qemu-user leaks what it cuts off a truncated message");
    }
    #[cfg(target_os = "linux")]
    let before = count();
    a.send_with_fds(b"three", &sent).unwrap();
    let mut buf = [0; 8];
    let mut fds = [-1; 1];
    let err = b.recv_with_fds(&mut buf, &mut fds).unwrap_err();
    assert_eq!(code(&err), "EMSGSIZE", "{err}");
    #[cfg(target_os = "linux")]
    assert_eq!(count(), before, "a descriptor leaked");
    // None room at all: the same.
    a.send_with_fds(b"one", &sent[..1]).unwrap();
    let err = b.recv_with_fds(&mut buf, &mut []).unwrap_err();
    assert_eq!(code(&err), "EMSGSIZE");
    #[cfg(target_os = "linux")]
    assert_eq!(count(), before, "a descriptor leaked");
}

#[test]
fn too_many_descriptors_is_einval_before_any_system_call() {
    let (a, b) = UnixStream::pair().unwrap();
    let (r, _w) = pipe_fds();
    let many = vec![r.as_raw_fd(); MAX_FDS_PER_MESSAGE + 1];
    let err = a.send_with_fds(b"x", &many).unwrap_err();
    assert_eq!(
        (code(&err), error::sys_error(&err).unwrap().syscall()),
        ("EINVAL", "sendmsg")
    );
    assert_would_block(b.recv_with_fds(&mut [0; 4], &mut [0; 4]));
    // Exactly the limit crosses.
    let most = &many[..MAX_FDS_PER_MESSAGE];
    assert_eq!(a.send_with_fds(b"x", most).unwrap(), 1);
    let mut fds = vec![-1; MAX_FDS_PER_MESSAGE];
    let (_, count) = b.recv_with_fds(&mut [0; 4], &mut fds).unwrap();
    assert_eq!(count, MAX_FDS_PER_MESSAGE);
    for fd in fds {
        // SAFETY: each was received for this test.
        drop(unsafe { OwnedFd::from_raw_fd(fd) });
    }
}

#[test]
fn a_stream_sends_descriptors_only_with_a_byte() {
    let (a, _b) = UnixStream::pair().unwrap();
    let (r, _w) = pipe_fds();
    let err = a.send_with_fds(b"", &[r.as_raw_fd()]).unwrap_err();
    assert_eq!(code(&err), "EINVAL");
    // Without descriptors, an empty send is just that.
    assert_eq!(a.send_with_fds(b"", &[]).unwrap(), 0);
}

#[test]
fn datagrams_carry_descriptors_to_the_peer_and_to_a_path() {
    let (a, b) = UnixDatagram::pair().unwrap();
    let (r, _w) = pipe_fds();
    // An empty datagram may carry them.
    assert_eq!(a.send_with_fds(b"", &[r.as_raw_fd()]).unwrap(), 0);
    let mut fds = [-1; 2];
    let (n, count) = b.recv_with_fds(&mut [0; 4], &mut fds).unwrap();
    assert_eq!((n, count), (0, 1));
    assert_ne!(flags(fds[0]).1 & libc::FD_CLOEXEC, 0);
    // SAFETY: received for this test.
    drop(unsafe { OwnedFd::from_raw_fd(fds[0]) });

    let path = temp_socket_path("dgram-fds");
    let bound = UnixDatagram::bind(&path).unwrap();
    let sender = UnixDatagram::unbound().unwrap();
    assert_eq!(
        sender
            .send_to_with_fds(b"hi", &path, &[r.as_raw_fd(), r.as_raw_fd()])
            .unwrap(),
        2
    );
    let mut buf = [0; 4];
    let (n, count) = bound.recv_with_fds(&mut buf, &mut fds).unwrap();
    assert_eq!((n, count, &buf[..2]), (2, 2, &b"hi"[..]));
    for fd in fds {
        // SAFETY: received for this test.
        drop(unsafe { OwnedFd::from_raw_fd(fd) });
    }
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_received_socket_is_adopted_and_served() {
    let (a, b) = UnixStream::pair().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    a.send_with_fds(b"L", &[listener.as_raw_fd()]).unwrap();
    drop(listener); // the receiver's copy keeps it listening
    let mut fds = [-1; 1];
    let (_, count) = b.recv_with_fds(&mut [0; 1], &mut fds).unwrap();
    assert_eq!(count, 1);
    // SAFETY: received for this test and handed over.
    let mut taken = unsafe { TcpListener::from_raw_descriptor(i64::from(fds[0])) }.unwrap();
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(4);
    poll.registry()
        .register(&mut taken, Token(3), Interest::READABLE)
        .unwrap();
    let _client = std::net::TcpStream::connect(addr).unwrap();
    wait_for(&mut poll, &mut events, Token(3), |s| s.readable);
    assert!(taken.accept().is_ok());
}

#[test]
fn duplication_is_windows_only() {
    let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let err = listener.duplicate_for(std::process::id()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Unsupported);
    assert!(err.to_string().contains("sendWithFds"), "{err}");
    let err = UdpSocket::from_duplicate("00").unwrap_err();
    assert_eq!(code(&err), "ENOTSUP");
}
