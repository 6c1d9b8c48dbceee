#!/usr/bin/env bash
# npm run test:asan — AddressSanitizer and LeakSanitizer over the core's tests and over the
# Node module's whole ava suite (docs/sanitizers.md):
#   core  cargo test -p wakepoll built with -Zsanitizer=address (rustup's nightly); a leak or a
#         memory error fails the test binary;
#   node  the module built the same way into target/asan/ (the package root's .node is never
#         touched), loaded by the generated loader from NAPI_RS_NATIVE_LIBRARY_PATH into an
#         ordinary node that preloads nightly's ASan runtime as a shared object; the whole ava
#         suite with LeakSanitizer on (WAKEPOLL_SANITIZER=address tells the tests, which widen
#         or skip what ASan's quarantine and slowness make meaningless, saying so in their
#         names); every process writes its reports to target/asan/logs/, and classify.mjs fails
#         the run on any report with a frame of ours and lists the foreign ones.
# Fails, never skips, where the nightly toolchain or its ASan runtime is missing.
# On 2 cores: ~1.5 min to build, ~4 min for the core's tests and the suite.
# Usage: scripts/sanitizers/asan.sh [core|node]…   (default: both); extra ava args: ASAN_AVA_ARGS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root="$PWD"
# shellcheck source=scripts/sanitizers/common.sh
source scripts/sanitizers/common.sh

parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(core node)

san_check asan
out="$root/target/asan"
logs="$out/logs"
mkdir -p "$out"
runtime="$out/libasan-rt.so"
san_runtime_so asan "$runtime"

export CARGO_TARGET_DIR="$out/cargo"
# Frame pointers: ASan's fast unwinder follows them through our frames (Node's have them too).
export RUSTFLAGS="-Zsanitizer=address -Cforce-frame-pointers=yes"
export RUSTDOCFLAGS="$RUSTFLAGS"

failed=0
for part in "${parts[@]}"; do
  case "$part" in
  core)
    echo "asan: cargo test -p wakepoll under AddressSanitizer + LeakSanitizer ($(rustc --version))"
    set +e
    ASAN_OPTIONS="detect_leaks=1" san_cargo test --locked -p wakepoll --target "$SAN_TRIPLE" \
      >"$out/core.log" 2>&1
    status=$?
    set -e
    grep -E '^test result: |^==[0-9]+==ERROR|^SUMMARY: ' "$out/core.log" || true
    echo "asan: the core's tests took until ${SECONDS}s"
    if [ "$status" -ne 0 ]; then
      grep -B2 -A40 -E '==ERROR|^---- ' "$out/core.log" | head -200 || true
      tail -20 "$out/core.log"
      echo "asan: the core's tests FAILED under ASan (exit $status; $out/core.log)"
      failed=1
    fi
    ;;
  node)
    san_prepare "$out/prepare.log"
    echo "asan: building the Node module with -Zsanitizer=address"
    module="$out/wakepoll.asan.node"
    san_module asan "$module" >"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 1; }
    rm -rf "$logs"
    mkdir -p "$logs"
    echo "asan: the ava suite on $module (LeakSanitizer on; reports in $logs)"
    set +e
    # log_path: each process (ava's workers, the tests' children) writes its own file.
    # LSan's exitcode 0: a foreign leak must not change a child's exit status that a test
    # checks; classify.mjs decides. ASan's errors still abort the process (halt_on_error).
    # shellcheck disable=SC2086
    LD_PRELOAD="$runtime" NAPI_RS_NATIVE_LIBRARY_PATH="$module" WAKEPOLL_SANITIZER=address \
      ASAN_OPTIONS="detect_leaks=1:log_path=$logs/report" LSAN_OPTIONS="exitcode=0" \
      timeout 1800 npx ava --timeout=5m ${ASAN_AVA_ARGS:-} >"$out/ava.log" 2>&1
    status=$?
    set -e
    echo "asan: ava ended at ${SECONDS}s"
    grep -E '^\s*(✘|- \[skip\])' "$out/ava.log" || true
    [ "$status" -eq 0 ] || tail -60 "$out/ava.log"
    grep -E '^ *[0-9]+ (tests?|known failures?) (passed|failed|skipped|todo)|uncaught exceptions?|unhandled rejections?|Timed out' "$out/ava.log" || true
    [ "$status" -eq 0 ] || { echo "asan: ava FAILED (exit $status; $out/ava.log)"; failed=1; }
    shopt -s nullglob
    reports=("$logs"/report.*)
    shopt -u nullglob
    node scripts/sanitizers/classify.mjs --root "$root" --module "${module##*/}" --foreign "$out/foreign.txt" \
      "${reports[@]}" ||
      { echo "asan: reports with a frame of ours (above; every log in $logs)"; failed=1; }
    ;;
  *)
    echo "asan: no such part: $part (core, node)" >&2
    exit 2
    ;;
  esac
done
exit "$failed"
