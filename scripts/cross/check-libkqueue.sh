#!/usr/bin/env bash
# libkqueue part of scripts/cross-check.sh: runs the kqueue backend (the kqueue selector, the
# EVFILT_USER waker, the FIFO sync event) on Linux, over libkqueue (a userspace kqueue on
# epoll), where check-kqueue.sh can only type-check it:
#   1. builds libkqueue's static library from ../shared/vendor/ into target/libkqueue/;
#   2. the core's whole test suite on the kqueue code path:
#      RUSTFLAGS="--cfg wakepoll_libkqueue -L native=…" cargo test -p wakepoll;
#   3. the Node module built the same way (a debug build, target/libkqueue/wakepoll.libkqueue.node;
#      the normal wakepoll.<platform>.node is untouched) and the ava suite on it: the generated
#      loader takes it from NAPI_RS_NATIVE_LIBRARY_PATH, WAKEPOLL_LIBKQUEUE=1 tells the tests,
#      pollAsync goes through the waiter thread (WAKEPOLL_POLL_ASYNC_THREAD=1).
# Fails on any failure. The tests that hit one of libkqueue's known gaps (listed in
# docs/platforms-kqueue.md) are skipped under that build only, each naming its gap.
# On 2 idle cores, from a clean target/: ~10 s for libkqueue, ~2 min for the core's tests (the
# dependencies once more, for the cfg), ~1.5 min for the module and ava; cached: under a minute.
# Usage: scripts/cross/check-libkqueue.sh [core|node]…   (default: both)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root="$PWD"

# shellcheck source=scripts/cross/common.sh
source scripts/cross/common.sh

parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(core node)

# The tarball lives beside the clone (CI: <parent>/shared next to <parent>/<clone>).
shared="$root/../shared"
tarball="${LIBKQUEUE_TARBALL:-$shared/vendor/libkqueue-f96608964f7d.tar.gz}"
if [ ! -f "$tarball" ]; then
  echo "check-libkqueue: libkqueue's source is missing: $tarball" >&2
  echo "  (expected ../shared/vendor/ beside the clone; LIBKQUEUE_TARBALL=… names another copy)" >&2
  exit 1
fi

out="$root/target/libkqueue"
lib="$out/lib"
log="$out/logs"
mkdir -p "$out" "$log"

# 1. libkqueue.a, rebuilt only when the tarball changes.
stamp="$(sha256sum "$tarball" | cut -d' ' -f1)"
if [ ! -f "$lib/libkqueue.a" ] || [ "$(cat "$lib/stamp" 2>/dev/null)" != "$stamp" ]; then
  command -v cmake >/dev/null || need_debian_packages cmake
  echo "check-libkqueue: building libkqueue from ${tarball##*/}"
  rm -rf "$out/src" "$out/build" "$lib"
  mkdir -p "$out/src" "$lib"
  tar -xzf "$tarball" -C "$out/src" --strip-components=1
  # Static and position-independent: linked into test binaries and into the Node module.
  cmake -S "$out/src" -B "$out/build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON >"$log/cmake.log" 2>&1 ||
    { tail -30 "$log/cmake.log" >&2; exit 1; }
  cmake --build "$out/build" --target kqueue_static -j "$(nproc)" >>"$log/cmake.log" 2>&1 ||
    { tail -30 "$log/cmake.log" >&2; exit 1; }
  cp "$out/build/libkqueue.a" "$lib/"
  echo "$stamp" >"$lib/stamp"
fi

# One target dir for both parts (the module reuses the core built for the tests); never the
# normal one, whose builds the RUSTFLAGS below would all invalidate.
export CARGO_TARGET_DIR="$out/cargo"
# -D warnings: code that the cfg leaves unused is a bug in the cfgs, as in check-kqueue.sh.
export RUSTFLAGS="--cfg wakepoll_libkqueue -L native=$lib -D warnings"

# Prints the runner's closing lines: every summary line, then the totals.
summarize() {
  grep -E '^test result: |^ *[0-9]+ (tests?|known failures?) (passed|failed|skipped|todo)|remained pending|uncaught exceptions?|unhandled rejections?|Timed out' "$1" || true
}

failed=0
for part in "${parts[@]}"; do
  case "$part" in
  core)
    echo "check-libkqueue: cargo test -p wakepoll on the kqueue backend (libkqueue)"
    set +e
    # timeout: a wait that libkqueue never ends must fail the run, not hang CI.
    timeout 900 cargo test --locked -p wakepoll --no-fail-fast >"$log/core.log" 2>&1
    status=$?
    set -e
    grep -E '^test .* (FAILED|ignored, )' "$log/core.log" || true
    # A build error has no '---- ' section: the tail shows it (and grep's no-match must not end the script).
    [ "$status" -eq 0 ] || { grep -A15 -E '^---- ' "$log/core.log" | head -150 || true; tail -25 "$log/core.log"; }
    summarize "$log/core.log"
    awk '/^test result: /{p+=$4;f+=$6;i+=$8} END{printf "check-libkqueue core: %d passed, %d failed, %d ignored\n",p,f,i}' "$log/core.log"
    [ "$status" -eq 0 ] || { echo "check-libkqueue: core tests FAILED (exit $status; $log/core.log)"; failed=1; }
    ;;
  node)
    # binding.cjs (the generated loader) and dist/ (the package tests): what npm test builds.
    # Without this build's RUSTFLAGS and target dir: prepare.mjs rebuilds the normal module at
    # the package root when it is stale, which must not become a libkqueue build.
    env -u RUSTFLAGS -u CARGO_TARGET_DIR node scripts/prepare.mjs >"$log/prepare.log" 2>&1 ||
      { tail -30 "$log/prepare.log" >&2; exit 1; }
    echo "check-libkqueue: building the Node module on the kqueue backend (debug)"
    cargo build --locked -p wakepoll-node >"$log/node-build.log" 2>&1 ||
      { tail -30 "$log/node-build.log" >&2; exit 1; }
    module="$out/wakepoll.libkqueue.node"
    cp "$CARGO_TARGET_DIR/debug/libwakepoll_node.so" "$module"
    echo "check-libkqueue: ava on $module"
    set +e
    NAPI_RS_NATIVE_LIBRARY_PATH="$module" WAKEPOLL_LIBKQUEUE=1 WAKEPOLL_POLL_ASYNC_THREAD=1 \
      timeout 1200 npx ava --timeout=2m >"$log/ava.log" 2>&1
    status=$?
    set -e
    grep -E '^\s*(✘|- \[skip\])' "$log/ava.log" || true
    [ "$status" -eq 0 ] || tail -60 "$log/ava.log"
    summarize "$log/ava.log"
    [ "$status" -eq 0 ] || { echo "check-libkqueue: ava FAILED (exit $status; $log/ava.log)"; failed=1; }
    ;;
  *)
    echo "check-libkqueue: no such part: $part (core, node)" >&2
    exit 2
    ;;
  esac
done
exit "$failed"
