#!/usr/bin/env bash
# kqueue part of scripts/cross-check.sh: type-checks crates/wakepoll (library and tests) for
# macOS (x86_64, aarch64) and FreeBSD, whose kqueue backend this Linux machine cannot run, and
# the Node binding (wakepoll-node) for aarch64-apple-darwin, so that it keeps compiling
# against the core's platform-neutral API there. `cargo check` needs no linker and no SDK;
# std is built from source (-Zbuild-std) because no prebuilt std for these targets is
# installed. Cold: ~2 min, plus up to a minute for the binding (napi and its proc-macros; 18 s
# once check-windows.sh has built those); cached: seconds.
# Running the tests on real kernels is the job of .github/workflows/ci.yml (macos, freebsd).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source=scripts/cross/common.sh
source scripts/cross/common.sh

need_debian_packages rustc-web cargo-web rust-web-src

targets=(x86_64-apple-darwin aarch64-apple-darwin x86_64-unknown-freebsd)
target_args=()
for target in "${targets[@]}"; do
  target_args+=(--target "$target")
done

echo "cross-check kqueue: cargo check -p wakepoll --lib --tests for ${targets[*]}"
# --locked: the same dependency versions as the host build, and no surprise index update.
# -D warnings: an unused import or dead code on one platform is a bug in its cfgs.
RUSTFLAGS="-D warnings" cross_cargo check --locked -p wakepoll --lib --tests \
  -Zbuild-std=std,panic_abort "${target_args[@]}"

# The same RUSTFLAGS as above, so that the std already built for this target is reused.
echo "cross-check kqueue: cargo check -p wakepoll-node for aarch64-apple-darwin"
RUSTFLAGS="-D warnings" cross_cargo check --locked -p wakepoll-node \
  -Zbuild-std=std,panic_abort --target aarch64-apple-darwin
