# Sourced by scripts/cross/check-windows*.sh: a console-only wine in a throwaway prefix under
# target/cross/wine (no display, no dialogs). `wineboot -i` makes the prefix once, and
# bcryptprimitives.dll from scripts/cross/windows/ is copied into its system32, because std
# imports ProcessPrng from it and wine 8.0 lacks it. Needs CROSS_TARGET_DIR (common.sh) and the
# Debian packages wine64, wine and gcc-mingw-w64-x86-64-posix.

export WINEPREFIX="$CROSS_TARGET_DIR/wine/prefix"
export WINEDEBUG=-all
# No Mono or Gecko: nothing here needs them, and their installers would ask.
export WINEDLLOVERRIDES="mscoree,mshtml="
# A console-only wine: never try to open a window (CI has no display).
unset DISPLAY WAYLAND_DISPLAY

# wine_prefix_ready — makes the prefix if it is missing and installs the ProcessPrng shim
# (rebuilt when its source changes). The caller stops wineserver at its end (stop_wineserver).
wine_prefix_ready() {
  local shim_dir="$CROSS_TARGET_DIR/wine"
  local shim="$shim_dir/bcryptprimitives.dll"
  mkdir -p "$shim_dir"
  if [ ! -f "$shim" ] || [ scripts/cross/windows/processprng.c -nt "$shim" ] ||
    [ scripts/cross/windows/bcryptprimitives.def -nt "$shim" ]; then
    x86_64-w64-mingw32-gcc-posix -O2 -shared -o "$shim" scripts/cross/windows/processprng.c \
      scripts/cross/windows/bcryptprimitives.def -ladvapi32
  fi
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "cross-check windows: creating the wine prefix in $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    wineboot -i >/dev/null 2>&1
    wineserver -w
  fi
  cp "$shim" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
}

# Stops this prefix's wineserver (and so every wine process of it).
stop_wineserver() { wineserver -k >/dev/null 2>&1 || true; }
