#!/usr/bin/env bash
# `npm run test:musl`: the core's tests built for x86_64-unknown-linux-musl with the toolchain
# the musl release binaries are linked with (zig through cargo-zigbuild, common.sh) and run
# natively: dynamically linked against musl, as the module is (.cargo/config.toml), so Debian's
# `musl` package provides the dynamic loader they start with. Then the musl release binary is
# built and checked (check-binary.sh: musl's libc only, and musl's loader loads it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source=scripts/release/common.sh
source scripts/release/common.sh

need_debian_packages musl
need_rust_target x86_64-unknown-linux-musl
need_zig
cargo-zigbuild test -p wakepoll --target x86_64-unknown-linux-musl "$@"
bash scripts/release/build.sh --target x86_64-unknown-linux-musl
