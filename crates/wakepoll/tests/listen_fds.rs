//! Socket activation (`net::listen_fds`, systemd's `sd_listen_fds_with_names`) on Unix.
//!
//! The environment is the process's, so every case that sets it runs in one test, in order
//! (this binary has no other test that could read it meanwhile). An activated process is a
//! real one: the test re-runs this binary as `sh -c 'LISTEN_PID=$$ exec …'` — `$$` is the pid
//! that `exec` keeps — with three sockets at fds 3, 4 and 5, and the ignored test
//! `activated_child` checks what it was given there and prints it.
#![cfg(unix)]

mod util;

use std::io::{self, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::Command;

use util::{assert_nonblocking_cloexec, code};
use wakepoll::net::{listen_fds, AnySocket, TcpListener, UdpSocket, UnixDatagram};

const VARIABLES: [&str; 4] = [
    "LISTEN_PID",
    "LISTEN_PIDFDID",
    "LISTEN_FDS",
    "LISTEN_FDNAMES",
];

fn set(vars: &[(&str, &str)]) {
    for name in VARIABLES {
        std::env::remove_var(name);
    }
    for (name, value) in vars {
        std::env::set_var(name, value);
    }
}

fn left() -> Vec<String> {
    VARIABLES
        .iter()
        .filter(|name| std::env::var_os(name).is_some())
        .map(|name| name.to_string())
        .collect()
}

#[test]
fn the_protocol_in_this_process() {
    let me = std::process::id().to_string();
    // Not activated.
    set(&[]);
    assert!(listen_fds(true).unwrap().is_empty());
    // Another process's variables: nothing, and (unset) they are gone all the same.
    set(&[
        ("LISTEN_PID", "1"),
        ("LISTEN_FDS", "2"),
        ("LISTEN_FDNAMES", "a:b"),
    ]);
    assert!(listen_fds(false).unwrap().is_empty());
    assert_eq!(left().len(), 3, "kept without unset");
    assert!(listen_fds(true).unwrap().is_empty());
    assert!(left().is_empty(), "unset even when not ours: {:?}", left());
    // Ours, but no LISTEN_FDS: nothing.
    set(&[("LISTEN_PID", &me)]);
    assert!(listen_fds(true).unwrap().is_empty());
    // Malformed values are EINVAL, and unset all the same.
    for bad in [
        vec![("LISTEN_PID", "0"), ("LISTEN_FDS", "1")],
        vec![("LISTEN_PID", "abc"), ("LISTEN_FDS", "1")],
        vec![("LISTEN_PID", me.as_str()), ("LISTEN_FDS", "0")],
        vec![("LISTEN_PID", me.as_str()), ("LISTEN_FDS", "-1")],
        vec![("LISTEN_PID", me.as_str()), ("LISTEN_FDS", "x")],
        vec![
            ("LISTEN_PID", me.as_str()),
            ("LISTEN_PIDFDID", "x"),
            ("LISTEN_FDS", "1"),
        ],
    ] {
        set(&bad);
        let err = listen_fds(true).unwrap_err();
        assert_eq!(code(&err), "EINVAL", "{bad:?}");
        assert!(left().is_empty(), "{bad:?}: {:?}", left());
    }
    // Another pidfd id than ours (where the kernel has ids at all, 0 is none of them): not
    // ours. Elsewhere LISTEN_PID alone decides, and fd 3 onwards would be taken: skip that.
    if own_pidfd_ids_exist() {
        set(&[
            ("LISTEN_PID", &me),
            ("LISTEN_PIDFDID", "0"),
            ("LISTEN_FDS", "1"),
        ]);
        assert!(listen_fds(true).unwrap().is_empty());
    }
    set(&[]);
}

/// Whether this kernel gives pidfds ids (pidfs, Linux 6.9+): whether `pidfd_open` works and
/// its fd is on pidfs.
fn own_pidfd_ids_exist() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::FromRawFd;
        // SAFETY: pidfd_open takes a pid and flags; it returns a new fd or -1.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, libc::getpid(), 0) };
        let Ok(fd) = RawFd::try_from(fd) else {
            return false;
        };
        if fd < 0 {
            return false;
        }
        // SAFETY: just returned by the kernel, owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: statfs is plain C data; fstatfs fills it.
        let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
        // SAFETY: `fs` is a live, writable statfs.
        let ok = unsafe { libc::fstatfs(fd.as_raw_fd(), &mut fs) } == 0;
        ok && fs.f_type as i64 == 0x5049_4446
    }
    #[cfg(not(target_os = "linux"))]
    false
}

#[test]
fn an_activated_process_gets_its_sockets_named_and_adopted() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let (stream, mut peer) = std::os::unix::net::UnixStream::pair().unwrap();
    let passed: [OwnedFd; 3] = [listener.into(), udp.into(), stream.into()];
    let raw: Vec<RawFd> = passed.iter().map(AsRawFd::as_raw_fd).collect();
    let mut child = Command::new("sh");
    child
        .arg("-c")
        .arg(r#"LISTEN_PID=$$ exec "$0" "$@""#)
        .arg(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "activated_child", "--nocapture"])
        .env("LISTEN_FDS", "3")
        .env("LISTEN_FDNAMES", "web:dns:conn")
        .env_remove("LISTEN_PIDFDID");
    // SAFETY: between fork and exec only fcntl, dup2 and close run, which are
    // async-signal-safe; the fds copied are open in the parent for the whole spawn. Each is
    // first copied above 3..6 (one of them may sit at 3, 4 or 5 already), then to its place
    // (dup2 clears close-on-exec there).
    unsafe {
        child.pre_exec(move || {
            let mut high = [0; 3];
            for (i, &fd) in raw.iter().enumerate() {
                high[i] = libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10);
                if high[i] < 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            for (i, &fd) in high.iter().enumerate() {
                if libc::dup2(fd, 3 + i as RawFd) < 0 {
                    return Err(io::Error::last_os_error());
                }
                libc::close(fd);
            }
            Ok(())
        });
    }
    peer.write_all(b"hello").unwrap();
    let out = child.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "activated: web=TcpListener dns=UdpSocket conn=UnixStream read=hello left=[]"
        ),
        "{stdout}"
    );
}

/// The child of the test above: run only through it (`--ignored --exact`).
#[test]
#[ignore = "the child of an_activated_process_gets_its_sockets_named_and_adopted"]
fn activated_child() {
    use std::io::Read;
    let found = listen_fds(true).unwrap();
    assert_eq!(found.iter().map(|f| f.fd).collect::<Vec<_>>(), [3, 4, 5]);
    let mut report = Vec::new();
    let mut read = String::new();
    for item in found {
        let socket = item.socket.expect("a socket");
        assert_nonblocking_cloexec(item.fd);
        let kind = socket.kind().type_name();
        report.push(format!("{}={kind}", item.name));
        match socket {
            AnySocket::TcpListener(l) => drop::<TcpListener>(l),
            AnySocket::UdpSocket(u) => drop::<UdpSocket>(u),
            AnySocket::UnixStream(s) => {
                let mut buf = [0; 5];
                (&s).read_exact(&mut buf).unwrap();
                read = String::from_utf8_lossy(&buf).into_owned();
            }
            AnySocket::UnixDatagram(d) => drop::<UnixDatagram>(d),
            other => panic!("unexpected {other:?}"),
        }
    }
    println!(
        "activated: {} read={read} left={:?}",
        report.join(" "),
        left()
    );
}
