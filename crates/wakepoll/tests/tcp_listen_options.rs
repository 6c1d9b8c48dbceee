//! `TcpListener::bind_with` and `UnixListener::bind_with_backlog`: the options node:net users
//! expect of a server (backlog, SO_REUSEPORT, IPV6_V6ONLY), each shown to change what the
//! socket does, not only that the call succeeds.

mod util;

use std::io;
use std::net::{self, SocketAddr};

use wakepoll::net::{ListenOptions, TcpListener};

fn loopback4() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// Starts `n` non-blocking connects to `listener` before any is accepted, then accepts until
/// "would block". On Linux's loopback the handshake completes inside `connect` when the accept
/// queue has room and the SYN is dropped when it has none, so the count is exact: with a
/// backlog below `n` it comes out short (the rest would only arrive with the SYN retransmit,
/// a second later).
#[cfg(target_os = "linux")]
fn burst_then_accept(listener: &TcpListener, n: usize) -> usize {
    let addr = listener.local_addr().unwrap();
    let clients: Vec<wakepoll::net::TcpStream> = (0..n)
        .map(|_| wakepoll::net::TcpStream::connect(addr).unwrap())
        .collect();
    let mut accepted = 0;
    loop {
        match listener.accept() {
            Ok(_) => accepted += 1,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("accept: {e}"),
        }
    }
    drop(clients);
    accepted
}

#[cfg(target_os = "linux")]
#[test]
fn the_backlog_decides_how_large_a_burst_is_queued() {
    let options = ListenOptions {
        backlog: 511,
        ..ListenOptions::default()
    };
    let listener = TcpListener::bind_with(loopback4(), &options).unwrap();
    assert_eq!(burst_then_accept(&listener, 500), 500);

    // The control: mio's default of 128 really is too small for the same burst.
    let listener = TcpListener::bind(loopback4()).unwrap();
    let accepted = burst_then_accept(&listener, 500);
    assert!(
        accepted < 500,
        "a backlog of 128 queued all of a burst of 500"
    );
}

#[test]
fn the_default_options_are_mios() {
    assert_eq!(
        ListenOptions::default(),
        ListenOptions {
            backlog: 128,
            reuse_port: false,
            ipv6_only: None
        }
    );
}

#[cfg(unix)]
#[test]
fn reuse_port_lets_two_listeners_share_a_port_and_without_it_the_second_fails() {
    let options = ListenOptions {
        reuse_port: true,
        ..ListenOptions::default()
    };
    let first = TcpListener::bind_with(loopback4(), &options).unwrap();
    let addr = first.local_addr().unwrap();
    let second = TcpListener::bind_with(addr, &options).unwrap();
    assert_eq!(second.local_addr().unwrap(), addr);

    let plain = TcpListener::bind(addr).unwrap_err();
    assert_eq!(plain.kind(), io::ErrorKind::AddrInUse);
    assert_eq!(util::code(&plain), "EADDRINUSE");
}

#[cfg(windows)]
#[test]
fn reuse_port_is_unsupported_on_windows() {
    let options = ListenOptions {
        reuse_port: true,
        ..ListenOptions::default()
    };
    let err = TcpListener::bind_with(loopback4(), &options).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Unsupported);
}

/// An IPv6 wildcard listener, if this host has IPv6 at all.
fn bind_v6_any(only: Option<bool>) -> Option<TcpListener> {
    let options = ListenOptions {
        ipv6_only: only,
        ..ListenOptions::default()
    };
    match TcpListener::bind_with("[::]:0".parse().unwrap(), &options) {
        Ok(l) => Some(l),
        Err(e)
            if e.kind() == io::ErrorKind::AddrNotAvailable
                || e.kind() == io::ErrorKind::Unsupported =>
        {
            None
        }
        Err(e) => panic!("bind [::]:0: {e}"),
    }
}

#[test]
fn ipv6_only_decides_whether_an_ipv6_listener_takes_ipv4_clients() {
    let (Some(dual), Some(only)) = (bind_v6_any(Some(false)), bind_v6_any(Some(true))) else {
        eprintln!("no IPv6 on this host: nothing to check");
        return;
    };
    let v4 = |l: &TcpListener| SocketAddr::from(([127, 0, 0, 1], l.local_addr().unwrap().port()));
    net::TcpStream::connect(v4(&dual)).expect("a dual-stack listener accepts IPv4 clients");
    let refused = net::TcpStream::connect(v4(&only)).unwrap_err();
    assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
}

#[test]
fn ipv6_only_is_ignored_for_an_ipv4_address() {
    let options = ListenOptions {
        ipv6_only: Some(true),
        ..ListenOptions::default()
    };
    let listener = TcpListener::bind_with(loopback4(), &options).unwrap();
    net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
}

#[cfg(unix)]
#[test]
fn a_unix_listener_takes_a_backlog() {
    // A non-blocking connect to a Unix listener whose queue is full fails at once
    // (`EAGAIN`), so the backlog shows directly in how many connects succeed.
    let path = util::temp_socket_path("listen-backlog");
    let _ = std::fs::remove_file(&path);
    let listener = wakepoll::net::UnixListener::bind_with_backlog(&path, 300).unwrap();
    let clients: Vec<_> = (0..300)
        .map(|i| {
            wakepoll::net::UnixStream::connect(&path)
                .unwrap_or_else(|e| panic!("connect {i} of 300 with a backlog of 300: {e}"))
        })
        .collect();
    let mut accepted = 0;
    while listener.accept().is_ok() {
        accepted += 1;
    }
    assert_eq!(accepted, clients.len());

    let small = util::temp_socket_path("listen-backlog-small");
    let _ = std::fs::remove_file(&small);
    let listener = wakepoll::net::UnixListener::bind_with_backlog(&small, 4).unwrap();
    let results: Vec<_> = (0..64)
        .map(|_| wakepoll::net::UnixStream::connect(&small))
        .collect();
    assert!(
        results.iter().any(|r| r.is_err()),
        "a backlog of 4 queued 64 connects"
    );
    drop(listener);
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&small);
}
