//! Criterion's statistics for each side of the rows that `core` compares.
//!
//! Criterion runs all of one side's samples, then all of the other's, so on a shared machine
//! the two sides see different noise: use these for each side's own distribution (and for
//! criterion's change detection between runs), and `--bench core` for the wakepoll/mio ratio.
//!
//! `cargo bench -p wakepoll --bench criterion_sides [-- --quick] [FILTER]`

#[cfg(target_os = "linux")]
mod common;

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("wakepoll's core benchmarks use eventfd and epoll: Linux only");
}

#[cfg(target_os = "linux")]
fn main() {
    // What `criterion_main!(benches)` would expand to, with the group inside `linux`.
    linux::benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}

#[cfg(target_os = "linux")]
mod linux {

    use criterion::{criterion_group, Criterion};

    use crate::common::fds::{self, MAX_READY, M_SMALL};
    use crate::common::{mio_side, wp};

    fn row1_round_trip(c: &mut Criterion) {
        let mut g = c.benchmark_group("1.waker_round_trip");
        let mut a = wp::RoundTrip::new();
        g.bench_function("wakepoll", |bch| bch.iter_custom(|n| a.run(n)));
        drop(a);
        let mut b = mio_side::RoundTrip::new();
        g.bench_function("mio", |bch| bch.iter_custom(|n| b.run(n)));
        g.finish();
    }

    fn row2_poll_ready(c: &mut Criterion) {
        let (soft, _) = fds::raise_nofile_limit();
        let m_large = fds::large_m(soft);
        let owned = fds::eventfds(m_large.max(M_SMALL));
        let all = fds::raw(&owned);
        for m in [M_SMALL, m_large] {
            let fds_m = &all[..m];
            let mut a = wp::ReadyPoll::new(fds_m);
            let mut b = mio_side::ReadyPoll::new(fds_m);
            for k in [1, 64, MAX_READY] {
                let ready = fds::spread(fds_m, k);
                let mut g = c.benchmark_group(format!("2.poll_ready K={k} M={m}"));
                g.bench_function("wakepoll", |bch| bch.iter_custom(|n| a.run(&ready, n)));
                g.bench_function("mio", |bch| bch.iter_custom(|n| b.run(&ready, n)));
                g.finish();
            }
        }
    }

    fn row3_churn(c: &mut Criterion) {
        let owned = fds::eventfds(64);
        let raw = fds::raw(&owned);
        let mut g = c.benchmark_group("3.churn_sourcefd");
        let mut a = wp::ChurnFd::new(&raw);
        let mut b = mio_side::ChurnFd::new(&raw);
        g.bench_function("wakepoll", |bch| bch.iter_custom(|n| a.run(n)));
        g.bench_function("mio", |bch| bch.iter_custom(|n| b.run(n)));
        g.finish();

        let mut g = c.benchmark_group("3b.churn_unixstream");
        let mut a = wp::ChurnSocket::new(64);
        let mut b = mio_side::ChurnSocket::new(64);
        g.bench_function("wakepoll", |bch| bch.iter_custom(|n| a.run(n)));
        g.bench_function("mio", |bch| bch.iter_custom(|n| b.run(n)));
        g.finish();
    }

    fn row4_wake_flood(c: &mut Criterion) {
        let mut g = c.benchmark_group("4.wake_flood_4_threads");
        let mut a = wp::WakeFlood::new();
        g.bench_function("wakepoll", |bch| bch.iter_custom(|n| a.run(n)));
        drop(a);
        let mut b = mio_side::WakeFlood::new();
        g.bench_function("mio", |bch| bch.iter_custom(|n| b.run(n)));
        g.finish();
    }

    criterion_group!(
        benches,
        row1_round_trip,
        row2_poll_ready,
        row3_churn,
        row4_wake_flood
    );
}
