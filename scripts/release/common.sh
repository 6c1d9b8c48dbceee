# shellcheck shell=bash
# Shared by scripts/release/*.sh (sourced, not run): where the release set lives, which
# platform a target ships as, and the tools the release builds need, each installed on first use
# (Debian/Ubuntu packages, npm, PyPI, rustup) so that a bare machine and release.yml's runners
# get the same ones.

# shellcheck source=scripts/cross/common.sh
source scripts/cross/common.sh

# Each binary of the release: $RELEASE_SET/<platform>/wakepoll.<platform>.node.
export RELEASE_SET="$PWD/target/release-set"
# Tools fetched for the release builds and the arm64 run (a venv, npm packages, node's arm64 build).
export RELEASE_TOOLS="$PWD/target/release-tools"

# Zig links the musl, macOS and FreeBSD targets (through cargo-zigbuild, napi's `-x`). 0.15 is
# the first zig that links FreeBSD (its libc stubs); both come from PyPI.
ZIG_VERSION=0.15.2
CARGO_ZIGBUILD_VERSION=0.24.1

# release_platform TRIPLE — the platform napi names a target's binary and package by. The
# Windows package keeps napi's `win32-x64-msvc`: that is the name the generated loader asks for
# under Node's official (msvc-built) node.exe, whatever toolchain built the module.
release_platform() {
  case "$1" in
    x86_64-unknown-linux-gnu) echo linux-x64-gnu ;;
    aarch64-unknown-linux-gnu) echo linux-arm64-gnu ;;
    x86_64-unknown-linux-musl) echo linux-x64-musl ;;
    aarch64-unknown-linux-musl) echo linux-arm64-musl ;;
    x86_64-apple-darwin) echo darwin-x64 ;;
    aarch64-apple-darwin) echo darwin-arm64 ;;
    x86_64-pc-windows-msvc) echo win32-x64-msvc ;;
    x86_64-unknown-freebsd) echo freebsd-x64 ;;
    *) echo "release: no recipe for the target $1 (scripts/release/build.sh)" >&2; return 1 ;;
  esac
}

# release_binary TRIPLE — the path of that target's binary in the release set.
release_binary() {
  local platform
  platform="$(release_platform "$1")"
  echo "$RELEASE_SET/$platform/wakepoll.$platform.node"
}

# need_rust_target TRIPLE — rustup's std for the target.
need_rust_target() {
  rustup target list --installed | grep -qx "$1" || rustup target add "$1"
}

# need_zig — puts zig (PyPI's ziglang, run as `python3 -m ziglang` by cargo-zigbuild) and
# cargo-zigbuild on PATH, from a venv of their own under target/release-tools.
need_zig() {
  local venv="$RELEASE_TOOLS/zig-$ZIG_VERSION"
  if [ ! -x "$venv/bin/cargo-zigbuild" ]; then
    echo "release: installing ziglang $ZIG_VERSION and cargo-zigbuild $CARGO_ZIGBUILD_VERSION (PyPI)"
    python3 -m venv "$venv" || { need_debian_packages python3-venv && python3 -m venv "$venv"; }
    "$venv/bin/pip" install -q "ziglang==$ZIG_VERSION" "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
  fi
  export PATH="$venv/bin:$PATH"
}

# need_napi_cross TRIPLE — napi's glibc 2.17 gcc toolchain for `--use-napi-cross`, unpacked
# where napi looks first (~/.napi-rs/cross-toolchain/<version>/<triple>). napi would fetch
# @napi-rs/cross-toolchain-x64-target-<arch> at its own version (1.0.3), which does not
# exist for x86_64 (published: 1.0.0): the packages are pinned here, per target.
need_napi_cross() {
  local triple="$1" spec
  case "$triple" in
    x86_64-unknown-linux-gnu) spec=@napi-rs/cross-toolchain-x64-target-x86_64@1.0.0 ;;
    aarch64-unknown-linux-gnu) spec=@napi-rs/cross-toolchain-x64-target-aarch64@1.0.3 ;;
    *) echo "release: no napi cross toolchain for $triple" >&2; return 1 ;;
  esac
  local version dir
  version="$(node -p "require('@napi-rs/cross-toolchain/package.json').version")"
  dir="$HOME/.napi-rs/cross-toolchain/$version/$triple"
  [ -f "$dir/package.json" ] && return 0
  command -v xz >/dev/null || need_debian_packages xz-utils
  local package="$RELEASE_TOOLS/napi-cross/$triple"
  npm_unpack "$spec" "$package"
  echo "release: unpacking the toolchain into $dir"
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xJf "$package"/*.tar.xz -C "$dir"
  rm -rf "$package"
}

# need_libnode — the import library of node.exe's exports (napi_*, uv_*) for the windows-gnu
# link, made from scripts/cross/windows/node.def; napi-build wants LIBNODE_PATH with a
# libnode.dll in it. Exports LIBNODE_PATH.
need_libnode() {
  command -v x86_64-w64-mingw32-dlltool >/dev/null || need_debian_packages binutils-mingw-w64-x86-64
  export LIBNODE_PATH="$RELEASE_TOOLS/libnode"
  mkdir -p "$LIBNODE_PATH"
  if [ ! -f "$LIBNODE_PATH/libnode.dll.a" ] ||
    [ scripts/cross/windows/node.def -nt "$LIBNODE_PATH/libnode.dll.a" ]; then
    x86_64-w64-mingw32-dlltool -d scripts/cross/windows/node.def -D node.exe \
      -l "$LIBNODE_PATH/libnode.dll.a"
  fi
  [ -f "$LIBNODE_PATH/libnode.dll" ] || : >"$LIBNODE_PATH/libnode.dll"
}
