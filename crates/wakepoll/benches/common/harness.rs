//! Side-by-side measurement: two workloads run alternately (A B, B A, A B, …) in one process,
//! so that whatever else the machine does hits both alike, and every figure is summarised as
//! the median of the per-round ratios A/B.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// How long and how often.
#[derive(Debug, Clone)]
pub struct Config {
    pub quick: bool,
    /// Recorded rounds per row (each round runs A once and B once).
    pub rounds: usize,
    /// Wall time one side's batch should take; `iters` is calibrated to it.
    pub batch: Duration,
    /// Substrings of row ids to run; empty = all.
    pub filters: Vec<String>,
    /// `WAKEPOLL_BENCH_PROFILE=SIDE:ITERS` (SIDE = `a` or `b`): run only that side of each
    /// selected row, once, for `ITERS` operations — for callgrind or perf, not for figures.
    pub profile: Option<(char, u64)>,
}

impl Config {
    /// `--quick` or `WAKEPOLL_BENCH_QUICK=1`: the CI smoke run. Other arguments that do not
    /// start with `-` select rows by substring of their id. (`cargo bench` passes `--bench`.)
    pub fn from_env() -> Config {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let quick = args.iter().any(|a| a == "--quick")
            || std::env::var("WAKEPOLL_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
        let filters = args.into_iter().filter(|a| !a.starts_with('-')).collect();
        let profile = std::env::var("WAKEPOLL_BENCH_PROFILE").ok().map(|v| {
            let (side, iters) = v.split_once(':').expect("WAKEPOLL_BENCH_PROFILE=a|b:ITERS");
            (side.chars().next().unwrap(), iters.parse().unwrap())
        });
        if quick {
            Config {
                quick,
                rounds: 15,
                batch: Duration::from_millis(4),
                filters,
                profile,
            }
        } else {
            Config {
                quick,
                rounds: 101,
                batch: Duration::from_millis(25),
                filters,
                profile,
            }
        }
    }

    pub fn selects(&self, id: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| id.contains(f.as_str()))
    }

    /// Whether any row of a group whose ids start with `prefix` may be selected.
    pub fn selects_group(&self, prefix: &str) -> bool {
        self.filters.is_empty()
            || self.filters.iter().any(|f| {
                // A filter that names no row number ("K=1 M") may match inside any group.
                prefix.contains(f.as_str())
                    || f.starts_with(prefix)
                    || !f.starts_with(|c: char| c.is_ascii_digit())
            })
    }
}

/// Median and 99th percentile (nearest rank) of a set of samples.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub median: f64,
    pub p99: f64,
    pub min: f64,
    pub max: f64,
}

pub fn summarize(samples: &[f64]) -> Summary {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    Summary {
        median: percentile(&s, 50.0),
        p99: percentile(&s, 99.0),
        min: s[0],
        max: s[s.len() - 1],
    }
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A distribution-free 95% confidence interval of the median (order statistics, normal
/// approximation of the binomial): `(low, high)`.
pub fn median_ci95(samples: &[f64]) -> (f64, f64) {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len() as f64;
    let half = 1.96 * n.sqrt() / 2.0;
    let lo = ((n / 2.0 - half).floor() as isize).clamp(0, s.len() as isize - 1) as usize;
    let hi = ((n / 2.0 + half).ceil() as isize).clamp(0, s.len() as isize - 1) as usize;
    (s[lo], s[hi])
}

/// One row of the report.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub a_name: &'static str,
    pub b_name: &'static str,
    /// Nanoseconds per operation, one per recorded round.
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    /// A/B per round.
    pub ratios: Vec<f64>,
    pub iters: u64,
    /// The ratio the median must not exceed.
    pub target: f64,
    pub notes: Vec<String>,
}

impl Row {
    pub fn ratio(&self) -> Summary {
        summarize(&self.ratios)
    }

    pub fn met(&self) -> bool {
        self.ratio().median <= self.target
    }

    /// `met` (median ratio at or under the target), `within noise` (over it, but the 95%
    /// interval of the median reaches the target), or `missed`.
    pub fn verdict(&self) -> &'static str {
        if self.met() {
            "met"
        } else if median_ci95(&self.ratios).0 <= self.target {
            "within noise"
        } else {
            "missed"
        }
    }
}

/// Calibrates `iters` on A so that one batch takes about `cfg.batch` of wall time, warms both
/// sides up, then records `cfg.rounds` rounds, alternating which side goes first.
/// `a` and `b` run `iters` operations and return the time those operations took.
pub fn compare(
    cfg: &Config,
    id: &str,
    title: &str,
    (a_name, a): (&'static str, &mut dyn FnMut(u64) -> Duration),
    (b_name, b): (&'static str, &mut dyn FnMut(u64) -> Duration),
    target: f64,
) -> Row {
    if let Some((side, iters)) = cfg.profile {
        let t = if side == 'a' { a(iters) } else { b(iters) };
        let ns = t.as_nanos() as f64 / iters as f64;
        println!(
            "{id}: {} only, {iters} ops, {}/op",
            if side == 'a' { a_name } else { b_name },
            fmt_ns(ns)
        );
        return Row {
            id: id.to_string(),
            title: title.to_string(),
            a_name,
            b_name,
            a: vec![ns],
            b: vec![ns],
            ratios: vec![1.0],
            iters,
            target,
            notes: vec!["profile run: one side only".into()],
        };
    }
    let iters = calibrate(cfg.batch, a);
    for _ in 0..2 {
        a(iters);
        b(iters);
    }
    let per_op = |d: Duration| d.as_nanos() as f64 / iters as f64;
    let (mut va, mut vb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..cfg.rounds {
        let (ta, tb) = if round % 2 == 0 {
            let ta = a(iters);
            (ta, b(iters))
        } else {
            let tb = b(iters);
            (a(iters), tb)
        };
        let (ta, tb) = (per_op(ta), per_op(tb));
        va.push(ta);
        vb.push(tb);
        ratios.push(ta / tb);
    }
    let row = Row {
        id: id.to_string(),
        title: title.to_string(),
        a_name,
        b_name,
        a: va,
        b: vb,
        ratios,
        iters,
        target,
        notes: Vec::new(),
    };
    print_row(&row);
    row
}

fn calibrate(batch: Duration, run: &mut dyn FnMut(u64) -> Duration) -> u64 {
    run(1);
    let mut iters = 1u64;
    loop {
        let start = Instant::now();
        run(iters);
        let wall = start.elapsed();
        if wall >= batch / 2 || iters >= 1 << 30 {
            let scaled = iters as f64 * batch.as_secs_f64() / wall.as_secs_f64().max(1e-9);
            return (scaled.round() as u64).max(1);
        }
        iters *= 2;
    }
}

pub fn print_header() {
    println!(
        "{:<34} {:>12} {:>12} {:>12} {:>12} {:>8} {:>8} {:>15} target",
        "row", "A median", "A p99", "B median", "B p99", "ratio", "r p99", "ratio 95% CI"
    );
}

pub fn print_row(row: &Row) {
    let (a, b, r) = (summarize(&row.a), summarize(&row.b), row.ratio());
    let (lo, hi) = median_ci95(&row.ratios);
    println!(
        "{:<34} {:>12} {:>12} {:>12} {:>12} {:>8.3} {:>8.3} {:>7.3}–{:<7.3} {:.2} {}",
        row.id,
        fmt_ns(a.median),
        fmt_ns(a.p99),
        fmt_ns(b.median),
        fmt_ns(b.p99),
        r.median,
        r.p99,
        lo,
        hi,
        row.target,
        match row.verdict() {
            "met" => "met",
            "within noise" => "~noise",
            _ => "MISSED",
        },
    );
}

pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// The machine-readable report (schema "wakepoll-core-bench/1", see benches/README.md).
pub fn to_json(cfg: &Config, env: &[(&str, String)], rows: &[Row]) -> String {
    let mut j = String::new();
    j.push_str("{\n  \"schema\": \"wakepoll-core-bench/1\",\n");
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let _ = writeln!(j, "  \"unix_time\": {unix},");
    let _ = writeln!(
        j,
        "  \"mode\": \"{}\",",
        if cfg.quick { "quick" } else { "full" }
    );
    let _ = writeln!(j, "  \"rounds\": {},", cfg.rounds);
    let _ = writeln!(j, "  \"batch_ms\": {},", cfg.batch.as_millis());
    j.push_str("  \"env\": {");
    for (i, (k, v)) in env.iter().enumerate() {
        let _ = write!(j, "{}\"{}\": {}", if i == 0 { "" } else { ", " }, k, v);
    }
    j.push_str("},\n  \"rows\": [\n");
    for (i, row) in rows.iter().enumerate() {
        let (a, b, r) = (summarize(&row.a), summarize(&row.b), row.ratio());
        let (lo, hi) = median_ci95(&row.ratios);
        let _ = writeln!(
            j,
            "    {{\"id\": {}, \"title\": {}, \"unit\": \"ns/op\", \"iters_per_batch\": {}, \
             \"a\": {{\"name\": {}, \"median\": {:.1}, \"p99\": {:.1}}}, \
             \"b\": {{\"name\": {}, \"median\": {:.1}, \"p99\": {:.1}}}, \
             \"ratio\": {{\"median\": {:.4}, \"p99\": {:.4}, \"ci95\": [{:.4}, {:.4}]}}, \
             \"target\": {:.2}, \"met\": {}, \"verdict\": {}, \"notes\": [{}]}}{}",
            quote(&row.id),
            quote(&row.title),
            row.iters,
            quote(row.a_name),
            a.median,
            a.p99,
            quote(row.b_name),
            b.median,
            b.p99,
            r.median,
            r.p99,
            lo,
            hi,
            row.target,
            row.met(),
            quote(row.verdict()),
            row.notes
                .iter()
                .map(|n| quote(n))
                .collect::<Vec<_>>()
                .join(", "),
            if i + 1 == rows.len() { "" } else { "," },
        );
    }
    j.push_str("  ]\n}\n");
    j
}

pub fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(q, "\\u{:04x}", c as u32);
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}
