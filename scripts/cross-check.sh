#!/usr/bin/env bash
# Checks for the platforms this Linux machine cannot run natively, with Debian's Rust 1.96
# (`rustc-web`, which can build std from source for a foreign target):
#   kqueue   type-check crates/wakepoll for macOS (x86_64, aarch64) and FreeBSD
#   windows  cross-compile the core's tests for x86_64-pc-windows-gnu and run them under wine
#   libkqueue  run the core's tests and the ava suite on the kqueue backend over libkqueue
#            (a userspace kqueue; source in ../shared/vendor/, built with cmake)
# Usage: scripts/cross-check.sh [part…]   (default: every part). Installs what it needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/cross/common.sh
source scripts/cross/common.sh

parts=("$@")
if [ "${#parts[@]}" -eq 0 ]; then
  for script in scripts/cross/check-*.sh; do
    [ -e "$script" ] || continue
    name="${script##*/check-}"
    parts+=("${name%.sh}")
  done
fi

for part in "${parts[@]}"; do
  script="scripts/cross/check-$part.sh"
  [ -f "$script" ] || { echo "cross-check: no such part: $part" >&2; exit 2; }
  printf '\n--- cross-check: %s\n' "$part"
  bash "$script"
done
