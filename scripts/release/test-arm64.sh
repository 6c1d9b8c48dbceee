#!/usr/bin/env bash
# The linux-arm64-gnu release binary and the core, run on arm64 under qemu-user
# (scripts/release/qemu-arm64.sh sets it up):
#   core      the core's cargo tests built for aarch64-unknown-linux-gnu, run by qemu
#   pack      pack:check for linux-arm64-gnu: the main package and wakepoll-linux-arm64-gnu (its
#             binary the release one) installed into a project without Rust, the ESM/CJS checks
#             run there by the arm64 node, then the portable suite (__test__/portable) there
#   ava       a subset of the ava suite on the release binary by the arm64 node: waker, poll,
#             workers, sync-event, atomic-waker, net-sockets, timer
#   ava-all   the whole ava suite so
# Usage: scripts/release/test-arm64.sh [part…]   (default: core pack ava, what .ci/run runs;
#        `npm run test:arm64` is core pack ava-all). The tests know they run emulated
#        (WAKEPOLL_EMULATOR=qemu-user): time bounds are wider, the accept-burst bound and the RSS
#        checks (qemu-user reports RSS 0) are skipped with the reason in their titles.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source=scripts/release/common.sh
source scripts/release/common.sh
# shellcheck source=scripts/release/qemu-arm64.sh
source scripts/release/qemu-arm64.sh

parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(core pack ava)

binary="$(release_binary aarch64-unknown-linux-gnu)"
# The release binary (cargo's no-op when it is up to date) and the host's loader and dist/.
need_binary() {
  bash scripts/release/build.sh --target aarch64-unknown-linux-gnu
  node scripts/prepare.mjs
}

# ava FILE… — the ava suite by the arm64 node on the release binary, which the generated loader
# takes from NAPI_RS_NATIVE_LIBRARY_PATH (children and workers inherit it).
ava() {
  NAPI_RS_NATIVE_LIBRARY_PATH="$binary" "$ARM64_NODE" node_modules/ava/entrypoints/cli.mjs \
    --timeout=10m "$@"
}

for part in "${parts[@]}"; do
  printf '\n--- test-arm64: %s (%s s elapsed)\n' "$part" "$SECONDS"
  case "$part" in
    core) arm64_cargo test -p wakepoll ;;
    pack)
      need_binary
      node scripts/pack-check.mjs --platform linux-arm64-gnu --node "$ARM64_NODE" --portable
      ;;
    ava)
      need_binary
      ava __test__/waker.test.ts __test__/poll.test.ts __test__/workers.test.ts \
        __test__/sync-event.test.ts __test__/atomic-waker.test.ts __test__/net-sockets.test.ts \
        __test__/timer.test.ts
      ;;
    ava-all)
      need_binary
      ava
      ;;
    *) echo "test-arm64: no such part: $part (core, pack, ava, ava-all)" >&2; exit 2 ;;
  esac
done
printf '\n--- test-arm64: done (%s s)\n' "$SECONDS"
