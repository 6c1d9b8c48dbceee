# Shared by scripts/cross/check-*.sh (sourced, not run).

# Debian's Rust toolchain (1.96 with std's source), not rustup's: only it can -Zbuild-std here.
export CROSS_CARGO=/usr/bin/cargo
export CROSS_RUSTC=/usr/bin/rustc
# A target dir of its own: std built for foreign targets must not mix with the host's builds.
export CROSS_TARGET_DIR="${CROSS_TARGET_DIR:-$PWD/target/cross}"

# need_debian_packages PKG… — installs the packages that are missing (apt-get; sudo if not root).
need_debian_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "cross-check: installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# npm_unpack NAME@VERSION DIR — a package from the npm registry (`npm pack`), unpacked into DIR
# once (its package.json marks it done): the runtimes and tools the checks fetch from npm.
npm_unpack() {
  local spec="$1" dir="$2" tmp tgz
  [ -f "$dir/package.json" ] && return 0
  echo "fetching $spec (npm)"
  tmp="$(mktemp -d)"
  tgz="$(cd "$tmp" && npm pack --silent "$spec" | tail -n 1)"
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$tmp/$tgz" -C "$dir" --strip-components=1
  rm -rf "$tmp"
}

# cross_cargo ARGS… — Debian's cargo with the nightly features build-std needs.
cross_cargo() {
  RUSTC_BOOTSTRAP=1 RUSTC="$CROSS_RUSTC" CARGO_TARGET_DIR="$CROSS_TARGET_DIR" \
    RUSTUP_TOOLCHAIN= "$CROSS_CARGO" "$@"
}
