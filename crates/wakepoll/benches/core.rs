//! wakepoll against mio, interleaved in one run: the headline figures of issue #6 (Rust half).
//!
//! `cargo bench -p wakepoll --bench core [-- --quick] [ROW-FILTER…]`; see benches/README.md.
//! Prints one line per row and writes the JSON report to `$WAKEPOLL_BENCH_JSON`, or
//! `target/bench/core.json` by default.

#[cfg(target_os = "linux")]
mod common;

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("wakepoll's core benchmarks use eventfd and epoll: Linux only");
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(target_os = "linux")]
mod linux {

    use std::path::PathBuf;
    use std::time::Instant;

    use crate::common::fds::{self, MAX_READY, M_SMALL};
    use crate::common::harness::{self, compare, Config, Row};
    use crate::common::placement::{self, Placement};
    use crate::common::{mio_side, wp};

    const KS: [usize; 3] = [1, 64, MAX_READY];

    pub fn main() {
        let cfg = Config::from_env();
        let began = Instant::now();
        let (soft, hard) = fds::raise_nofile_limit();
        let m_large = fds::large_m(soft);
        println!(
            "wakepoll vs mio 1.x, interleaved A B / B A, {} rounds of ~{} ms per side per row{}",
            cfg.rounds,
            cfg.batch.as_millis(),
            if cfg.quick { " (quick)" } else { "" }
        );
        println!("RLIMIT_NOFILE soft {soft} hard {hard}: row 2's large M is {m_large}");
        if m_large < fds::M_LARGE_WANTED {
            println!(
                "  (M=100k needs {} fds; the hard limit is {hard} and raising it needs \
                 CAP_SYS_RESOURCE, so the large-M rows run with M={m_large})",
                fds::M_LARGE_WANTED + 512
            );
        }
        println!(
            "ratio = A/B per round, median over rounds; A = wakepoll unless the row says otherwise"
        );
        harness::print_header();

        let mut rows: Vec<Row> = Vec::new();

        // Row 1: waker round trip, two threads each blocked in poll, at each placement (see
        // common/placement.rs for why the placement is set, not left to the scheduler).
        for (placement, id, title) in [
            (
                Placement::OneCpu,
                "1.waker_round_trip one_cpu",
                "Waker round trip, two threads each blocked in poll, both on one CPU",
            ),
            (
                Placement::TwoCpus,
                "1.waker_round_trip two_cpus",
                "Waker round trip, two threads each blocked in poll, on two CPUs",
            ),
        ] {
            if !cfg.selects(id) {
                continue;
            }
            let Some((local, remote)) = placement.cpus() else {
                println!("{id}: skipped, this process may use fewer than two CPUs");
                continue;
            };
            let old = placement::pin_current(&[local]).expect("sched_setaffinity");
            let mut a = wp::RoundTrip::with_remote_cpu(Some(remote));
            let mut b = mio_side::RoundTrip::with_remote_cpu(Some(remote));
            rows.push(compare(
                &cfg,
                id,
                title,
                ("wakepoll", &mut |n| a.run(n)),
                ("mio", &mut |n| b.run(n)),
                1.0,
            ));
            drop((a, b));
            placement::restore(&old);
        }

        // Row 2: one poll returning K ready out of M registered (the same eventfds for both).
        let any_row2 = cfg.selects_group("2.poll_ready")
            || cfg.selects_group("2c.control")
            || cfg.selects_group("2s.scaling");
        if any_row2 {
            let owned = fds::eventfds(m_large.max(M_SMALL));
            let all = fds::raw(&owned);
            let small = &all[..M_SMALL];
            let large = &all[..m_large];
            // Each fd is watched by up to four epolls; `run` drains what the others left.
            let mut wp_small = wp::ReadyPoll::new(small);
            let mut mio_small = mio_side::ReadyPoll::new(small);
            let mut wp_large = wp::ReadyPoll::new(large);
            let mut mio_large = mio_side::ReadyPoll::new(large);
            assert_eq!(wp_large.registered(), mio_large.registered());
            let m_name = |m: usize| {
                if m == M_SMALL {
                    "1k".to_string()
                } else if m == fds::M_LARGE_WANTED {
                    "100k".to_string()
                } else {
                    format!("{m}")
                }
            };
            for (m, fds_m) in [(M_SMALL, small), (m_large, large)] {
                for k in KS {
                    let id = format!("2.poll_ready K={k} M={}", m_name(m));
                    if !cfg.selects(&id) {
                        continue;
                    }
                    let ready = fds::spread(fds_m, k);
                    let (a, b) = if m == M_SMALL {
                        (&mut wp_small, &mut mio_small)
                    } else {
                        (&mut wp_large, &mut mio_large)
                    };
                    rows.push(compare(
                        &cfg,
                        &id,
                        &format!("one poll returning {k} ready eventfds of {m} registered"),
                        ("wakepoll", &mut |n| a.run(&ready, n)),
                        ("mio", &mut |n| b.run(&ready, n)),
                        1.0,
                    ));
                }
            }
            // Controls (A/A): the same library on both sides, two Polls over the same fds. What
            // they show beside 1.00 is the bias of this setup (where the kernel put each epoll's
            // items, which side runs first), not a difference between libraries.
            for (id, lib) in [
                ("2c.control wakepoll/wakepoll K=1 M=1k", "wakepoll"),
                ("2c.control mio/mio K=1 M=1k", "mio"),
            ] {
                if !cfg.selects(id) {
                    continue;
                }
                let ready = fds::spread(small, 1);
                let mut row = if lib == "wakepoll" {
                    let mut twin = wp::ReadyPoll::new(small);
                    compare(
                        &cfg,
                        id,
                        "control: row 2 K=1 M=1k with wakepoll on both sides (second Poll as A)",
                        ("wakepoll (2nd Poll)", &mut |n| twin.run(&ready, n)),
                        ("wakepoll", &mut |n| wp_small.run(&ready, n)),
                        1.0,
                    )
                } else {
                    let mut twin = mio_side::ReadyPoll::new(small);
                    compare(
                        &cfg,
                        id,
                        "control: row 2 K=1 M=1k with mio on both sides (second Poll as A)",
                        ("mio (2nd Poll)", &mut |n| twin.run(&ready, n)),
                        ("mio", &mut |n| mio_small.run(&ready, n)),
                        1.0,
                    )
                };
                row.notes
                    .push("A/A control: the spread around 1.00 is this setup's own bias".into());
                rows.push(row);
            }

            // The scaling target: the same K, large M against M=1k, side by side too.
            for k in KS {
                let ready_small = fds::spread(small, k);
                let ready_large = fds::spread(large, k);
                let id = format!("2s.scaling wakepoll K={k} M={}/1k", m_name(m_large));
                if cfg.selects(&id) {
                    let mut row = compare(
                        &cfg,
                        &id,
                        &format!("wakepoll: K={k} ready of M={m_large} against of M=1k"),
                        ("wakepoll M=large", &mut |n| wp_large.run(&ready_large, n)),
                        ("wakepoll M=1k", &mut |n| wp_small.run(&ready_small, n)),
                        1.2,
                    );
                    row.notes
                        .push(format!("large M = {m_large} (RLIMIT_NOFILE hard {hard})"));
                    rows.push(row);
                }
                let id = format!("2s.scaling mio K={k} M={}/1k", m_name(m_large));
                if cfg.selects(&id) {
                    let mut row = compare(
                        &cfg,
                        &id,
                        &format!("mio (reference): K={k} ready of M={m_large} against of M=1k"),
                        ("mio M=large", &mut |n| mio_large.run(&ready_large, n)),
                        ("mio M=1k", &mut |n| mio_small.run(&ready_small, n)),
                        1.2,
                    );
                    row.notes.push("reference only: mio's own scaling".into());
                    rows.push(row);
                }
            }
        }

        // Row 3: register + deregister churn.
        if cfg.selects("3.churn_sourcefd") {
            let owned = fds::eventfds(64);
            let raw = fds::raw(&owned);
            let mut a = wp::ChurnFd::new(&raw);
            let mut b = mio_side::ChurnFd::new(&raw);
            rows.push(compare(
                &cfg,
                "3.churn_sourcefd",
                "register + deregister of a raw fd (SourceFd), cycling over 64 eventfds",
                ("wakepoll", &mut |n| a.run(n)),
                ("mio", &mut |n| b.run(n)),
                1.0,
            ));
        }
        if cfg.selects("3b.churn_unixstream") {
            let mut a = wp::ChurnSocket::new(64);
            let mut b = mio_side::ChurnSocket::new(64);
            rows.push(compare(
                &cfg,
                "3b.churn_unixstream",
                "register + deregister of net::UnixStream, cycling over 64 sockets",
                ("wakepoll", &mut |n| a.run(n)),
                ("mio", &mut |n| b.run(n)),
                1.0,
            ));
        }

        // Row 4a: what one wake costs without a scheduler in the figure.
        if cfg.selects("4a.wake_alone") {
            let mut a = wp::WakeAlone::new();
            let mut b = mio_side::WakeAlone::new();
            rows.push(compare(
                &cfg,
                "4a.wake_alone",
                "Waker::wake with no thread blocked in poll (the library's share of a wake)",
                ("wakepoll", &mut |n| a.run(n)),
                ("mio", &mut |n| b.run(n)),
                1.0,
            ));
        }

        // Row 4: wake throughput, 4 threads into one poller.
        if cfg.selects("4.wake_flood_4_threads") {
            let mut a = wp::WakeFlood::new();
            let mut b = mio_side::WakeFlood::new();
            let mut row = compare(
                &cfg,
                "4.wake_flood_4_threads",
                "wake throughput: 4 threads wake one Waker, one thread polls (time per wake)",
                ("wakepoll", &mut |n| a.run(n)),
                ("mio", &mut |n| b.run(n)),
                1.0,
            );
            let note = format!(
                "events per wake (coalescing): wakepoll {:.4}, mio {:.4}",
                a.events_per_wake(),
                b.events_per_wake()
            );
            println!("  {note}");
            row.notes.push(note);
            rows.push(row);
        }

        let missed: Vec<&Row> = rows.iter().filter(|r| !r.met()).collect();
        let noise = missed
            .iter()
            .filter(|r| r.verdict() == "within noise")
            .count();
        println!(
            "{} rows, {} met, {} over the target ({} of them within noise){}; {:.1} s",
            rows.len(),
            rows.len() - missed.len(),
            missed.len(),
            noise,
            if missed.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    missed
                        .iter()
                        .map(|r| r.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            began.elapsed().as_secs_f64()
        );

        let env = [
            ("nofile_soft", soft.to_string()),
            ("nofile_hard", hard.to_string()),
            ("m_large", m_large.to_string()),
            ("cpus", num_cpus().to_string()),
        ];
        if cfg.profile.is_some() {
            return;
        }
        let path = json_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, harness::to_json(&cfg, &env, &rows)).unwrap();
        let shown = path.canonicalize().unwrap_or(path);
        println!("JSON: {}", shown.display());
    }

    fn num_cpus() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }

    fn json_path() -> PathBuf {
        if let Some(p) = std::env::var_os("WAKEPOLL_BENCH_JSON") {
            return PathBuf::from(p);
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
        target.join("bench").join("core.json")
    }
}
