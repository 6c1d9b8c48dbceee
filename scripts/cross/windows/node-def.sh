#!/usr/bin/env bash
# Writes the module-definition file of node.exe's Node-API and libuv exports to stdout:
#   scripts/cross/windows/node-def.sh path/to/node.exe > scripts/cross/windows/node.def
# The native module imports these from the node.exe that loads it. From the .def,
# x86_64-w64-mingw32-dlltool makes the import library libnode.dll.a for the windows-gnu build
# (scripts/cross/check-node-windows.sh) and MSVC's `lib /def:` the node.lib of the msvc build
# (.github/workflows/release.yml). node.exe exports about 17,000 names (V8, OpenSSL, …); a
# module built with napi-rs needs only napi_*, node_api_* and uv_*, about 460.
set -euo pipefail
exe="${1:?usage: node-def.sh NODE_EXE}"
echo "; node.exe's napi_*, node_api_* and uv_* exports (scripts/cross/windows/node-def.sh)"
echo "LIBRARY node.exe"
echo "EXPORTS"
# objdump -p prints the export table as "[ordinal] name" lines after "[Ordinal/Name Pointer] Table".
x86_64-w64-mingw32-objdump -p "$exe" |
  sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' |
  sed -n -E 's/^[[:space:]]+\[[[:space:]]*[0-9]+\] ((napi_|node_api_|uv_)[A-Za-z0-9_]+)$/  \1/p' |
  LC_ALL=C sort
