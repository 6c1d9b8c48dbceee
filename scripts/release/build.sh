#!/usr/bin/env bash
# `npm run build:release [-- --target TRIPLE …] [--local]`: builds the native module the way it
# ships, one binary per target into target/release-set/<platform>/wakepoll.<platform>.node, and
# checks each one (scripts/release/check-binary.sh). Without --target: every target in
# package.json's napi.targets. .github/workflows/release.yml builds every binary it publishes
# with this script, and .ci/run builds and tests the Linux glibc pair with it.
#
# One recipe per target, on a Linux x64 host (what installs itself: common.sh):
#   linux gnu    napi build --use-napi-cross: gcc against glibc 2.17 (napi's cross toolchain),
#                so the binary loads on old distributions; checked: needs at most GLIBC_2.17
#   linux musl   napi build -x: cargo-zigbuild, zig from PyPI; checked: needs only musl's libc
#                (and x64: musl's dynamic loader loads it)
#   darwin       napi build -x: zig links macOS (its libSystem stubs, no SDK), for macOS 11+
#   freebsd      napi build -x: zig links FreeBSD (its libc stubs, zig 0.15+)
#   win32-x64    built for x86_64-pc-windows-gnu (mingw-w64 gcc, rustup's std), linked with
#                node.exe's import library (scripts/cross/windows/node.def), and shipped as the
#                win32-x64-msvc package, the name the generated loader asks for under the
#                official node.exe: a Node-API module is a C ABI, and the toolchain that CI's
#                wine suite tests is the one that ships (scripts/cross/check-windows-node.sh
#                runs the whole ava suite on this very binary). An msvc build cannot be made
#                here: its CRT and Windows SDK come only from Microsoft's servers.
# --local: then also makes the host platform's binary the local build: copied to the project
#   root with the loader napi generated for it (binding.cjs, binding.d.cts), and the API
#   compiled (build:ts), so that `npm test`, the benchmarks and the demos run the release binary
#   (scripts/prepare.mjs then finds the build up to date).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source=scripts/release/common.sh
source scripts/release/common.sh

targets=()
local_build=false
while [ "$#" -gt 0 ]; do
  case "$1" in
    --target) targets+=("$2"); shift 2 ;;
    --target=*) targets+=("${1#--target=}"); shift ;;
    --local) local_build=true; shift ;;
    *) echo "build:release: unknown argument $1 (--target TRIPLE…, --local)" >&2; exit 2 ;;
  esac
done
if [ "${#targets[@]}" -eq 0 ]; then
  read -r -a targets <<<"$(node -p "require('./package.json').napi.targets.join(' ')")"
fi
if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "build:release: the release is built on Linux x64 (this is $(uname -s)-$(uname -m))" >&2
  exit 1
fi

napi=(node_modules/.bin/napi build --platform --release --js binding.cjs --dts binding.d.cts)

# build_one TRIPLE — one target's recipe; the binary lands in the release set.
build_one() {
  local triple="$1" platform out built
  platform="$(release_platform "$triple")"
  out="$RELEASE_SET/.napi/$platform"
  rm -rf "$out" && mkdir -p "$out" "$RELEASE_SET/$platform"
  local start=$SECONDS
  case "$triple" in
    *-linux-gnu)
      need_rust_target "$triple"
      need_napi_cross "$triple"
      # napi lets a linker or C compiler set in the environment win over its toolchain's: none
      # may reach the release build (check-binary.sh would catch a newer glibc, not other drift).
      local upper
      upper="$(tr '[:lower:]-' '[:upper:]_' <<<"$triple")"
      env -u "CARGO_TARGET_${upper}_LINKER" -u "CC_${triple//-/_}" -u "CC_$triple" -u TARGET_CC \
        -u TARGET_SYSROOT -u TARGET_AR \
        "${napi[@]}" --target "$triple" --use-napi-cross --output-dir "$out"
      ;;
    *-linux-musl | *-apple-darwin | *-freebsd)
      need_rust_target "$triple"
      need_zig
      # Node 20 supports macOS 11 and later; zig's default would be its own newest.
      MACOSX_DEPLOYMENT_TARGET=11.0 "${napi[@]}" --target "$triple" -x --output-dir "$out"
      ;;
    x86_64-pc-windows-msvc)
      need_rust_target x86_64-pc-windows-gnu
      command -v x86_64-w64-mingw32-gcc-posix >/dev/null || need_debian_packages gcc-mingw-w64-x86-64-posix
      need_libnode
      CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc-posix \
        "${napi[@]}" --target x86_64-pc-windows-gnu --output-dir "$out"
      mv "$out/wakepoll.win32-x64-gnu.node" "$out/wakepoll.$platform.node"
      ;;
    *) echo "build:release: no recipe for $triple" >&2; return 1 ;;
  esac
  built="$out/wakepoll.$platform.node"
  [ -f "$built" ] || { echo "build:release: napi build made no $built" >&2; return 1; }
  mv "$built" "$RELEASE_SET/$platform/"
  # The generated loader and its types are the same for every target.
  mv "$out/binding.cjs" "$out/binding.d.cts" "$RELEASE_SET/"
  rm -rf "$out"
  bash scripts/release/check-binary.sh "$triple" "$RELEASE_SET/$platform/wakepoll.$platform.node"
  echo "build:release: $triple -> target/release-set/$platform/wakepoll.$platform.node ($((SECONDS - start)) s)"
}

for triple in "${targets[@]}"; do
  printf '\n--- build:release %s\n' "$triple"
  build_one "$triple"
done

if $local_build; then
  host="$(node -p "process.platform + '-' + process.arch")-gnu"
  [ -f "$RELEASE_SET/$host/wakepoll.$host.node" ] ||
    { echo "build:release: --local needs the $host binary in the release set" >&2; exit 1; }
  cp "$RELEASE_SET/$host/wakepoll.$host.node" "$RELEASE_SET/binding.cjs" "$RELEASE_SET/binding.d.cts" .
  npm run build:ts
  echo "build:release: the local build is now target/release-set/$host/wakepoll.$host.node"
fi
