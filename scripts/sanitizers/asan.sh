#!/usr/bin/env bash
# npm run test:asan — AddressSanitizer and LeakSanitizer over the core's tests and over the
# Node module's whole ava suite (docs/sanitizers.md):
#   core  cargo test -p wakepoll built with -Zsanitizer=address (rustup's nightly); a leak or a
#         memory error fails the test binary;
#   node  the module built the same way into target/asan/ (the package root's .node is never
#         touched), loaded by the generated loader from NAPI_RS_NATIVE_LIBRARY_PATH into an
#         ordinary node that preloads nightly's ASan runtime as a shared object; the whole ava
#         suite with LeakSanitizer on (WAKEPOLL_SANITIZER=address tells the tests, which do not
#         bound RSS under it and say so in their titles); every process writes its reports to
#         target/asan/logs/, and classify.mjs fails the run on any report with a frame of ours
#         and lists the foreign ones.
# Fails, never skips, where the nightly toolchain or its ASan runtime is missing.
# On 2 shared cores: ~2 min to build (the core's tests and the module share it), 4–5 min for
# the core's tests and the suite.
# Usage: scripts/sanitizers/asan.sh [core|node]… (default: both); extra ava args: ASAN_AVA_ARGS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=scripts/sanitizers/common.sh
source scripts/sanitizers/common.sh

parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(core node)

# rustup's nightly: it ships the ASan runtime (rustlib/<triple>/lib/librustc-nightly_rt.asan.a).
export RUSTUP_TOOLCHAIN="${SAN_TOOLCHAIN:-nightly}"
san_check_host
command -v rustup >/dev/null || san_fail "rustup is missing: test:asan needs rustup's $RUSTUP_TOOLCHAIN toolchain"
rustc --version >/dev/null 2>&1 || san_fail "no $RUSTUP_TOOLCHAIN toolchain (rustup toolchain install $RUSTUP_TOOLCHAIN)"
rustc --version | grep -q -- '-nightly' ||
  san_fail "$RUSTUP_TOOLCHAIN is not a nightly toolchain ($(rustc --version)): -Zsanitizer needs one"
archive="$(rustc --print sysroot)/lib/rustlib/$SAN_TRIPLE/lib/librustc-nightly_rt.asan.a"
[ -f "$archive" ] || san_fail "the ASan runtime of $(rustc --version) is missing: $archive"

out="$PWD/target/asan"
logs="$out/logs"
mkdir -p "$out"

# The runtime as a shared object: rustc links it only into executables, and node is none of
# ours. The member that puts the runtime's init into .preinit_array (allowed in executables
# only) goes; the rest is linked whole.
runtime="$out/libasan-rt.so"
if [ ! -f "$runtime" ] || [ "$archive" -nt "$runtime" ]; then
  work="$(mktemp -d)"
  cp "$archive" "$work/rt.a"
  chmod u+w "$work/rt.a"
  ar t "$work/rt.a" | grep -qx asan_preinit.cpp.o ||
    san_fail "no asan_preinit.cpp.o in $archive: the recipe of docs/sanitizers.md needs another look"
  ar d "$work/rt.a" asan_preinit.cpp.o
  cc -shared -o "$runtime" -Wl,--whole-archive "$work/rt.a" -Wl,--no-whole-archive \
    -lpthread -ldl -lm -lrt -lstdc++ || san_fail "linking $runtime failed"
  rm -rf "$work"
fi

export CARGO_TARGET_DIR="$out/cargo"
# Frame pointers: ASan's fast unwinder follows them through our frames (Node's have them too).
export RUSTFLAGS="-Zsanitizer=address -Cforce-frame-pointers=yes"
export RUSTDOCFLAGS="$RUSTFLAGS"

failed=0
for part in "${parts[@]}"; do
  case "$part" in
  core)
    echo "asan: cargo test -p wakepoll under AddressSanitizer + LeakSanitizer ($(rustc --version))"
    status=0
    ASAN_OPTIONS="detect_leaks=1" san_cargo test --locked -p wakepoll --target "$SAN_TRIPLE" \
      >"$out/core.log" 2>&1 || status=$?
    grep -E '^test result: |^==[0-9]+==ERROR|^SUMMARY: ' "$out/core.log" || true
    echo "asan: the core's tests done at ${SECONDS}s"
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
    san_module "$module" >"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 1; }
    rm -rf "$logs"
    mkdir -p "$logs"
    echo "asan: the ava suite on $module (LeakSanitizer on; reports in $logs), from ${SECONDS}s"
    # log_path: each process (ava's workers, the tests' children) writes its own file. LSan's
    # exitcode 0: a foreign leak must not change a child's exit status that a test checks;
    # classify.mjs decides. ASan's errors still abort the process (halt_on_error).
    status=0
    # shellcheck disable=SC2086
    san_ava address "$out/ava.log" LD_PRELOAD="$runtime" NAPI_RS_NATIVE_LIBRARY_PATH="$module" \
      ASAN_OPTIONS="detect_leaks=1:log_path=$logs/report" LSAN_OPTIONS="exitcode=0" \
      -- --timeout=5m ${ASAN_AVA_ARGS:-} || status=$?
    echo "asan: ava done at ${SECONDS}s"
    [ "$status" -eq 0 ] || { echo "asan: ava FAILED (exit $status; $out/ava.log)"; failed=1; }
    shopt -s nullglob
    reports=("$logs"/report.*)
    shopt -u nullglob
    san_classify "$module" "$out/foreign.txt" "${reports[@]}" ||
      { echo "asan: reports with a frame of ours (above; every log in $logs)"; failed=1; }
    ;;
  *)
    echo "asan: no such part: $part (core, node)" >&2
    exit 2
    ;;
  esac
done
exit "$failed"
