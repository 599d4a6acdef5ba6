#!/usr/bin/env bash
# Build every conformance/example guest into tests/guests/out/<name>.wasm.
#   Rust bins (src/bin/*.rs) -> wasm32-wasip1, release profile.
#   C guests (c/*.c)         -> Debian clang + wasi-libc, --target=wasm32-wasi.
# Idempotent; exits non-zero on any failure.
# Environment: CARGO (default cargo), CC_WASI (default clang), SKIP_C=1 to skip C.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/out"
mkdir -p "$out"

cargo="${CARGO:-cargo}"
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1; then
  echo "build.sh: installing rust target wasm32-wasip1" >&2
  rustup target add wasm32-wasip1
fi
(cd "$here" && "$cargo" build --quiet --release --target wasm32-wasip1 --bins)
n=0
for src in "$here"/src/bin/*.rs; do
  name="$(basename "$src" .rs)"
  f="$here/target/wasm32-wasip1/release/$name.wasm"
  if [ ! -e "$f" ]; then
    echo "build.sh: missing $f" >&2
    exit 1
  fi
  cmp -s "$f" "$out/$name.wasm" || cp -f "$f" "$out/$name.wasm"
  n=$((n + 1))
done
echo "build.sh: $n rust guests" >&2

if [ "${SKIP_C:-0}" != 1 ] && compgen -G "$here/c/*.c" >/dev/null; then
  cc="${CC_WASI:-clang}"
  if [ ! -e /usr/lib/wasm32-wasi/libc.a ] && [ -z "${WASI_SYSROOT:-}" ]; then
    echo "build.sh: wasi-libc not found; install: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" >&2
    exit 1
  fi
  sysroot=()
  if [ -n "${WASI_SYSROOT:-}" ]; then sysroot=(--sysroot="$WASI_SYSROOT"); fi
  # clang runs any wasm-opt it finds on PATH after linking, and that drops
  # the name section (c_trap's backtrace test needs it); under npm, PATH has
  # node_modules/.bin/wasm-opt. Build the same guests however this is called.
  clang_path="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v 'node_modules/\.bin' | paste -sd: -)"
  m=0
  for src in "$here"/c/*.c; do
    name="$(basename "$src" .c)"
    dst="$out/$name.wasm"
    if [ ! -e "$dst" ] || [ "$src" -nt "$dst" ] || [ "$here/c/check.h" -nt "$dst" ]; then
      PATH="$clang_path" "$cc" --target=wasm32-wasi "${sysroot[@]}" -O2 -Wall -Werror -o "$dst.tmp" "$src"
      mv -f "$dst.tmp" "$dst"
    fi
    m=$((m + 1))
  done
  echo "build.sh: $m C guests" >&2
fi
