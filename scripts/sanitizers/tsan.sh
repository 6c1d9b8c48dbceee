#!/usr/bin/env bash
# npm run test:tsan — ThreadSanitizer over the Node module's worker, waker, AtomicWaker and
# pollAsync tests (docs/sanitizers.md). The module, and Rust's std with it (-Zbuild-std), built
# with -Zsanitizer=thread into target/tsan/ by Debian's Rust (1.96, with std's source: rustup's
# nightly has none here, and refuses a sanitized crate over its uninstrumented std), loaded by
# the generated loader from NAPI_RS_NATIVE_LIBRARY_PATH into an ordinary node that preloads
# gcc's libtsan (nightly's TSan runtime archive cannot be linked into a shared object) and the
# three __tsan_mem* functions rustc's instrumentation calls and gcc 12's runtime lacks
# (tsan-mem-shims.c). scripts/sanitizers/tsan.supp suppresses what happens between
# uninstrumented frames of Node, V8 and libuv only; classify.mjs fails the run on any report
# with a frame of ours and lists the rest.
# Fails, never skips, where the toolchain or the runtime is missing (it installs Debian's).
# On 2 shared cores: 2–6 min to build from a clean target/tsan/ (std included), ~2 min for the
# tests.
# Usage: scripts/sanitizers/tsan.sh [ava args…] (default: the test files below).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=scripts/sanitizers/common.sh
source scripts/sanitizers/common.sh

files=("$@")
[ "${#files[@]}" -gt 0 ] || files=(
  __test__/workers.test.ts __test__/waker.test.ts __test__/atomic-waker.test.ts
  __test__/poll-async.test.ts __test__/poll-async-reuse.test.ts __test__/watch.test.ts
  __test__/teardown-pending.test.ts
)

san_check_host
need_debian_packages rustc-web cargo-web rust-web-src libtsan2
runtime=/usr/lib/x86_64-linux-gnu/libtsan.so.2
[ -f "$runtime" ] || san_fail "gcc's TSan runtime is missing after installing libtsan2: $runtime"
[ -d "$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library" ] ||
  san_fail "Debian's rust-web-src is missing: -Zbuild-std needs std's source"

out="$PWD/target/tsan"
logs="$out/logs"
mkdir -p "$out"
shims="$out/libtsan-mem-shims.so"
cc -shared -fPIC -O1 -fno-builtin -o "$shims" scripts/sanitizers/tsan-mem-shims.c ||
  san_fail "building $shims failed"

san_prepare "$out/prepare.log"
echo "tsan: building the Node module and std with -Zsanitizer=thread ($(/usr/bin/rustc --version))"
module="$out/wakepoll.tsan.node"
# Debian's toolchain with the nightly features -Zbuild-std needs (as scripts/cross/ uses it).
RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTUP_TOOLCHAIN= SAN_CARGO=/usr/bin/cargo \
  CARGO_TARGET_DIR="$out/cargo" RUSTFLAGS="-Zsanitizer=thread -Cforce-frame-pointers=yes" \
  san_module "$module" -Zbuild-std >"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 1; }
# The module's calls into the runtime. None at all: an uninstrumented module, which would pass
# with no report. Each must be there (else the load fails later, with a less clear message).
calls="$(nm -D --undefined-only "$module" | awk '$2 ~ /^__tsan_/ {print $2}' | sort -u)"
grep -q '^__tsan_func_entry$' <<<"$calls" || san_fail "$module is not instrumented (it calls no __tsan_func_entry): RUSTFLAGS lost?"
missing="$(comm -23 <(printf '%s\n' "$calls") \
  <({ nm -D --defined-only "$runtime"; nm -D --defined-only "$shims"; } | awk '{print $3}' | sort -u))"
[ -z "$missing" ] || san_fail "the TSan runtime lacks what the module calls: $missing"

rm -rf "$logs"
mkdir -p "$logs"
echo "tsan: ava on $module (reports in $logs), from ${SECONDS}s: ${files[*]}"
failed=0
# exitcode 0: a report must not change a child's exit status that a test checks; classify.mjs
# decides (and symbolizes the module's frames: gcc's runtime cannot read rustc's debug info).
san_ava thread "$out/ava.log" LD_PRELOAD="$runtime $shims" NAPI_RS_NATIVE_LIBRARY_PATH="$module" \
  TSAN_OPTIONS="log_path=$logs/report exitcode=0 suppressions=$PWD/scripts/sanitizers/tsan.supp" \
  -- --timeout=5m "${files[@]}" || { echo "tsan: ava FAILED ($out/ava.log)"; failed=1; }
echo "tsan: ava done at ${SECONDS}s"
shopt -s nullglob
reports=("$logs"/report.*)
shopt -u nullglob
san_classify "$module" "$out/foreign.txt" "${reports[@]}" ||
  { echo "tsan: reports with a frame of ours (above; every log in $logs)"; failed=1; }
exit "$failed"
