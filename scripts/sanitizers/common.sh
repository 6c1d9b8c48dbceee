# Shared by scripts/sanitizers/{asan,tsan}.sh (sourced, not run): the nightly toolchain, its
# sanitizer runtime as a shared object that `node` can preload, the module built with the
# sanitizer, and ava run on it. See docs/sanitizers.md.

# need_debian_packages
# shellcheck source=scripts/cross/common.sh
source scripts/cross/common.sh

SAN_TRIPLE=x86_64-unknown-linux-gnu
# rustup's nightly: only it ships the sanitizer runtimes (rustlib/<triple>/lib/librustc-nightly_rt.*.a).
export RUSTUP_TOOLCHAIN="${SAN_TOOLCHAIN:-nightly}"

# san_fail MESSAGE… — says why and stops: a missing toolchain is a failure, never a skip.
san_fail() {
  echo "sanitizers: $*" >&2
  exit 1
}

# san_check KIND — the platform, the nightly toolchain and its KIND (asan, tsan) runtime are there.
san_check() {
  local kind="$1"
  [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] ||
    san_fail "the sanitizer runs need Linux on x86_64 (this is $(uname -s)-$(uname -m))"
  command -v rustup >/dev/null || san_fail "rustup is missing: the sanitizer runs need rustup's $RUSTUP_TOOLCHAIN toolchain"
  rustc --version >/dev/null 2>&1 ||
    san_fail "no $RUSTUP_TOOLCHAIN toolchain (rustup toolchain install $RUSTUP_TOOLCHAIN)"
  rustc --version | grep -q -- '-nightly' ||
    san_fail "$RUSTUP_TOOLCHAIN is not a nightly toolchain ($(rustc --version)): -Zsanitizer needs one"
  SAN_RUNTIME_ARCHIVE="$(rustc --print sysroot)/lib/rustlib/$SAN_TRIPLE/lib/librustc-nightly_rt.$kind.a"
  [ -f "$SAN_RUNTIME_ARCHIVE" ] || san_fail "the $kind runtime of $(rustc --version) is missing: $SAN_RUNTIME_ARCHIVE"
  command -v cc >/dev/null || need_debian_packages gcc
  command -v llvm-symbolizer >/dev/null || need_debian_packages llvm
  command -v llvm-symbolizer >/dev/null || san_fail "llvm-symbolizer is missing after installing Debian's llvm"
  export ASAN_SYMBOLIZER_PATH TSAN_SYMBOLIZER_PATH
  ASAN_SYMBOLIZER_PATH="$(command -v llvm-symbolizer)"
  TSAN_SYMBOLIZER_PATH="$ASAN_SYMBOLIZER_PATH"
}

# san_runtime_so KIND OUT — nightly's KIND runtime as a shared object: rustc links it only into
# executables, and node is none of ours. The member that puts the runtime's init into
# .preinit_array (allowed in executables only) goes; the rest is linked whole.
san_runtime_so() {
  local kind="$1" out="$2"
  if [ -f "$out" ] && [ "$out" -nt "$SAN_RUNTIME_ARCHIVE" ]; then return 0; fi
  local work
  work="$(mktemp -d)"
  cp "$SAN_RUNTIME_ARCHIVE" "$work/rt.a"
  chmod u+w "$work/rt.a"
  ar t "$work/rt.a" | grep -q "^${kind}_preinit.cpp.o$" ||
    san_fail "no ${kind}_preinit.cpp.o in $SAN_RUNTIME_ARCHIVE: the recipe of docs/sanitizers.md needs another look"
  ar d "$work/rt.a" "${kind}_preinit.cpp.o"
  mkdir -p "$(dirname "$out")"
  cc -shared -o "$out" -Wl,--whole-archive "$work/rt.a" -Wl,--no-whole-archive \
    -lpthread -ldl -lm -lrt -lstdc++ || san_fail "linking $out failed"
  rm -rf "$work"
}

# san_cargo ARGS… — cargo with the sanitizer's flags in the sanitizer's own target dir.
# --target (in ARGS) keeps RUSTFLAGS off build scripts and proc macros. A dev build at
# opt-level 1 with line tables: shared by the core's tests and the module, quick to build,
# readable stacks. Under a timeout: a test that hangs must fail the run, not hang CI.
san_cargo() {
  timeout 1800 env CARGO_PROFILE_DEV_OPT_LEVEL=1 CARGO_PROFILE_DEV_DEBUG=line-tables-only \
    CARGO_PROFILE_DEV_INCREMENTAL=false cargo "$@"
}

# san_module KIND OUT — the Node module built with the sanitizer, copied to OUT (a .node: the
# generated loader requires it; the package root's wakepoll.<platform>.node is never touched).
san_module() {
  local kind="$1" out="$2"
  san_cargo build --locked -p wakepoll-node --target "$SAN_TRIPLE" || san_fail "building the $kind module failed"
  cp "$CARGO_TARGET_DIR/$SAN_TRIPLE/debug/libwakepoll_node.so" "$out"
}

# san_prepare — binding.cjs (the generated loader) and dist/, as npm test builds them, without
# this run's RUSTFLAGS and target dir (prepare.mjs rebuilds the normal module when stale).
san_prepare() {
  env -u RUSTFLAGS -u CARGO_TARGET_DIR -u RUSTUP_TOOLCHAIN node scripts/prepare.mjs >"$1" 2>&1 ||
    { tail -30 "$1" >&2; san_fail "scripts/prepare.mjs failed"; }
}
