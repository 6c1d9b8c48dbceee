#!/usr/bin/env bash
# Windows part of scripts/cross-check.sh: cross-compiles the core's tests (crates/wakepoll)
# for x86_64-pc-windows-gnu with Debian's Rust (std built from source) and runs them under
# wine, and lints the Node binding (wakepoll-node) for the same target, which checks that it
# compiles there. A failing test fails this script (wine passes the test binary's exit code
# through).
#
# Everything wine needs lives in a throwaway prefix under target/cross/wine (see
# scripts/cross/windows/wine.sh). The Node module itself is built and tested under wine by
# check-windows-node.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source=scripts/cross/common.sh
source scripts/cross/common.sh

need_debian_packages rustc-web cargo-web rust-web-src rust-web-clippy gcc-mingw-w64-x86-64-posix \
  wine64 wine

target=x86_64-pc-windows-gnu
linker=x86_64-w64-mingw32-gcc-posix

# shellcheck source=scripts/cross/windows/wine.sh
source scripts/cross/windows/wine.sh
# wineserver is stopped at the end so no process outlives the check.
trap stop_wineserver EXIT
wine_prefix_ready

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER="$linker"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
# Lints first: the Windows code is never compiled by the host's clippy. Debian's cargo-clippy
# is called directly: `cargo clippy` would find rustup's in $CARGO_HOME/bin first, and that
# toolchain cannot build std for this target.
echo "cross-check windows: clippy -p wakepoll --target $target"
RUSTC_BOOTSTRAP=1 RUSTC="$CROSS_RUSTC" CARGO="$CROSS_CARGO" CARGO_TARGET_DIR="$CROSS_TARGET_DIR" \
  RUSTUP_TOOLCHAIN= PATH="/usr/bin:$PATH" /usr/bin/cargo-clippy clippy --target "$target" \
  -Zbuild-std=std,panic_abort -p wakepoll --all-targets -- -D warnings

# The Node binding: lints only (nothing here can load a .node into a Windows Node). napi-build's
# windows-gnu build script wants a libnode.dll to link against; a check links nothing, so an
# empty stand-in in the target dir is enough (never a file of the repository). Cold: about a
# minute (napi and its proc-macros), measured on the shared 2-core machine; cached: seconds.
libnode_dir="$CROSS_TARGET_DIR/libnode"
mkdir -p "$libnode_dir"
[ -f "$libnode_dir/libnode.dll" ] || : >"$libnode_dir/libnode.dll"
echo "cross-check windows: clippy -p wakepoll-node --target $target"
LIBNODE_PATH="$libnode_dir" RUSTC_BOOTSTRAP=1 RUSTC="$CROSS_RUSTC" CARGO="$CROSS_CARGO" \
  CARGO_TARGET_DIR="$CROSS_TARGET_DIR" RUSTUP_TOOLCHAIN= PATH="/usr/bin:$PATH" \
  /usr/bin/cargo-clippy clippy --target "$target" -Zbuild-std=std,panic_abort \
  -p wakepoll-node -- -D warnings

# The doc tests would need rustdoc to run the Windows binaries too; the unit and integration
# tests are the ones the Linux run also has (`--lib --tests`).
echo "cross-check windows: cargo test -p wakepoll --target $target (under wine)"
cross_cargo test --target "$target" -Zbuild-std=std,panic_abort -p wakepoll --lib --tests \
  --no-fail-fast "$@"
