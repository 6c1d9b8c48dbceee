#!/usr/bin/env bash
# scripts/release/check-binary.sh TRIPLE FILE — what can be checked of a release binary without
# running it on its platform; fails on the first thing wrong. build.sh runs it on every binary.
#   linux gnu    its glibc symbol versions are at most GLIBC_2.17 (objdump -T), and it needs
#                no library but glibc's and libgcc_s
#   linux musl   it needs musl's libc only (no glibc library, no glibc symbol version); the x64
#                one is also loaded (dlopen, RTLD_NOW) by musl's dynamic loader
#   darwin       a Mach-O dylib for the target's CPU, for macOS 11, exporting the module's
#                entry point, linking only /usr/lib system libraries (llvm-objdump, llvm-nm)
#   freebsd      an ELF for FreeBSD needing only FreeBSD's libc and libthr
#   win32        a PE DLL for x86-64 importing only Windows' own DLLs: no MinGW runtime DLL,
#                no libnode.dll (napi's calls are looked up in node.exe at load) (objdump -p)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source=scripts/release/common.sh
source scripts/release/common.sh

triple="$1"
file="$2"
name="${file#"$PWD"/}"
fail() { echo "check-binary: $name: $*" >&2; exit 1; }
ok() { echo "check-binary: $name: $*"; }

# The dynamic symbol table, read once (a `grep -q` that stops reading early would make objdump
# die of SIGPIPE, which pipefail reports as a failure).
symbols() { objdump -T "$file" 2>/dev/null || true; }

# needed FILE — the DT_NEEDED libraries of an ELF, one a line.
needed() { objdump -p "$1" | awk '$1 == "NEEDED" { print $2 }'; }
# only_needed FILE REGEX — fails when a needed library does not match.
only_needed() {
  local lib
  for lib in $(needed "$1"); do
    [[ "$lib" =~ $2 ]] || fail "needs $lib, which is not one of the libraries allowed for $triple"
  done
}

case "$triple" in
  *-linux-gnu)
    newest="$(symbols | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)"
    [ -n "$newest" ] || fail "no GLIBC symbol version at all: not a glibc build?"
    if [ "$(printf '%s\n2.17\n' "$newest" | sort -V | tail -n 1)" != 2.17 ]; then
      fail "needs GLIBC_$newest; the release promises glibc 2.17 ($(symbols | grep "GLIBC_$newest" | awk '{ print $NF }' | head -n 3 | tr '\n' ' '))"
    fi
    only_needed "$file" '^(libc|libm|libdl|librt|libpthread|libgcc_s|ld-linux[-a-z0-9_]*)\.so\.[0-9.]+$'
    ok "needs at most GLIBC_$newest (≤ 2.17); libraries: $(needed "$file" | tr '\n' ' ')"
    ;;
  *-linux-musl)
    ! grep -q 'GLIBC_' <<<"$(symbols)" || fail "has glibc symbol versions"
    only_needed "$file" '^(libc\.so|libc\.musl-[a-z0-9_]+\.so\.1)$'
    if [ "$triple" = x86_64-unknown-linux-musl ]; then
      command -v musl-gcc >/dev/null || need_debian_packages musl-tools
      loader="$RELEASE_TOOLS/dlopen-musl"
      mkdir -p "$RELEASE_TOOLS"
      [ "$loader" -nt scripts/release/dlopen.c ] || musl-gcc -O2 -o "$loader" scripts/release/dlopen.c
      "$loader" "$file" || fail "musl's dynamic loader does not load it"
    fi
    ok "needs only musl's libc ($(needed "$file" | tr '\n' ' '))$([ "$triple" = x86_64-unknown-linux-musl ] && echo '; musl loads it')"
    ;;
  *-apple-darwin)
    command -v llvm-objdump >/dev/null || need_debian_packages llvm
    arch="${triple%%-*}"
    [ "$arch" = aarch64 ] && arch=arm64
    file "$file" | grep -q "Mach-O 64-bit .*$arch.* dynamically linked shared library" ||
      fail "is not a Mach-O $arch dylib: $(file -b "$file")"
    minos="$(llvm-objdump --macho --private-headers "$file" | awk '$1 == "minos" { print $2; exit }')"
    [ "$minos" = 11.0 ] || fail "is built for macOS $minos, not 11.0"
    grep -q ' T _napi_register_module_v1$' <<<"$(llvm-nm -gU "$file")" || fail "does not export napi_register_module_v1"
    libs="$(llvm-objdump --macho --dylibs-used "$file" | tail -n +3 | awk '{ print $1 }')"
    for lib in $libs; do [[ "$lib" == /usr/lib/* ]] || fail "links $lib"; done
    ok "Mach-O $arch dylib for macOS $minos, exports napi_register_module_v1; links $(echo "$libs" | tr '\n' ' ')"
    ;;
  *-freebsd)
    file "$file" | grep -q 'ELF 64-bit LSB shared object, x86-64' || fail "is not an x86-64 ELF shared object"
    ! grep -q 'GLIBC_' <<<"$(symbols)" || fail "has glibc symbol versions"
    grep -q 'FBSD_' <<<"$(symbols)" || fail "has no FreeBSD symbol versions"
    only_needed "$file" '^(libc\.so\.7|libthr\.so\.3|libm\.so\.5|libgcc_s\.so\.1)$'
    ok "FreeBSD ELF; libraries: $(needed "$file" | tr '\n' ' ')"
    ;;
  x86_64-pc-windows-msvc)
    file "$file" | grep -q 'PE32+ executable (DLL) .*x86-64' || fail "is not an x86-64 PE DLL: $(file -b "$file")"
    dlls="$(objdump -p "$file" | awk '/DLL Name:/ { print $3 }' | sort -u)"
    for dll in $dlls; do
      case "$(tr '[:upper:]' '[:lower:]' <<<"$dll")" in
        libgcc* | libstdc* | libwinpthread* | libnode*) fail "imports $dll, which a Windows machine does not have" ;;
      esac
    done
    ok "PE DLL x86-64; imports $(echo "$dlls" | tr '\n' ' ')"
    ;;
  *) fail "no check for $triple" ;;
esac
