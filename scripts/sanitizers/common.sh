# Shared by scripts/sanitizers/{asan,tsan}.sh (sourced, not run): the checks, the module built
# with a sanitizer into the sanitizer's own target dir, ava run on it, the reports classified.
# See docs/sanitizers.md.

# need_debian_packages
# shellcheck source=scripts/cross/common.sh
source scripts/cross/common.sh

SAN_TRIPLE=x86_64-unknown-linux-gnu

# san_fail MESSAGE… — says why and stops: a missing toolchain is a failure, never a skip.
san_fail() {
  echo "sanitizers: $*" >&2
  exit 1
}

# san_check_host — Linux on x86_64 (the runtimes' platform), a C compiler, llvm-symbolizer.
san_check_host() {
  [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] ||
    san_fail "the sanitizer runs need Linux on x86_64 (this is $(uname -s)-$(uname -m))"
  command -v cc >/dev/null || need_debian_packages gcc
  command -v llvm-symbolizer >/dev/null || need_debian_packages llvm
  command -v llvm-symbolizer >/dev/null || san_fail "llvm-symbolizer is missing after installing Debian's llvm"
  export ASAN_SYMBOLIZER_PATH
  ASAN_SYMBOLIZER_PATH="$(command -v llvm-symbolizer)"
}

# san_cargo ARGS… — cargo (SAN_CARGO, default the rustup proxy) in the sanitizer's target dir,
# with its RUSTFLAGS (both exported by the caller). --target (in ARGS) keeps RUSTFLAGS off build
# scripts and proc macros. A dev build at opt-level 1 with line tables: shared by the core's
# tests and the module, quick to build, readable stacks. Under a timeout: a test that hangs
# must fail the run, not hang CI.
san_cargo() {
  timeout 1800 env CARGO_PROFILE_DEV_OPT_LEVEL=1 CARGO_PROFILE_DEV_DEBUG=line-tables-only \
    CARGO_PROFILE_DEV_INCREMENTAL=false "${SAN_CARGO:-cargo}" "$@"
}

# san_module OUT [CARGO ARGS…] — the Node module built with the sanitizer, copied to OUT (a
# .node: the generated loader requires it; the package root's wakepoll.<platform>.node is never
# touched).
san_module() {
  local out="$1"
  shift
  san_cargo build --locked -p wakepoll-node --target "$SAN_TRIPLE" "$@" || san_fail "building the module failed"
  cp "$CARGO_TARGET_DIR/$SAN_TRIPLE/debug/libwakepoll_node.so" "$out"
}

# san_prepare LOG — binding.cjs (the generated loader) and dist/, as npm test builds them,
# without this run's flags and target dir (prepare.mjs rebuilds the normal module when stale).
san_prepare() {
  env -u RUSTFLAGS -u RUSTDOCFLAGS -u CARGO_TARGET_DIR -u RUSTUP_TOOLCHAIN -u RUSTC -u RUSTC_BOOTSTRAP \
    node scripts/prepare.mjs >"$1" 2>&1 || { tail -30 "$1" >&2; san_fail "scripts/prepare.mjs failed"; }
}

# san_ava KIND LOG ENV… -- AVA ARGS… — ava on the module under test, in an environment with
# ENV (the runtime preloaded, its options), every process writing its reports under the log
# path that ENV names. ava's own entry point, not npx: npm's process does not survive TSan.
# Prints the failures, the skips and the summary lines; returns ava's status.
san_ava() {
  local kind="$1" log="$2"
  shift 2
  local env=()
  while [ "$1" != "--" ]; do env+=("$1"); shift; done
  shift
  local status=0
  env "${env[@]}" WAKEPOLL_SANITIZER="$kind" timeout 2400 node node_modules/ava/entrypoints/cli.mjs "$@" \
    >"$log" 2>&1 || status=$?
  grep -E '^\s*(✘|- \[skip\])' "$log" || true
  [ "$status" -eq 0 ] || tail -60 "$log"
  grep -E '^ *[0-9]+ (tests?|known failures?) (passed|failed|skipped|todo)|uncaught exceptions?|unhandled rejections?|Timed out' "$log" || true
  return "$status"
}

# san_classify MODULE FOREIGN LOG… — classify.mjs over the reports: fails on one of ours.
san_classify() {
  local module="$1" foreign="$2"
  shift 2
  node scripts/sanitizers/classify.mjs --root "$PWD" --module "$module" --foreign "$foreign" "$@"
}
