#!/usr/bin/env bash
# Builds the Rust test components of one standalone cargo project (tests/p2guests,
# tests/p3guests, tests/httpguests: `bash scripts/build-wasip2-guests.sh DIR`) for
# wasm32-wasip2 into DIR/out/, one component per src/bin/*.rs. Installs the
# rust target with rustup when it is missing; exits non-zero on any failure
# (a test run without the components must fail, not skip).
set -euo pipefail
cd "$1"
name=$(basename "$PWD")
export PATH="$HOME/.cargo/bin:$PATH"
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip2; then
  echo "$name: installing rust target wasm32-wasip2" >&2
  rustup target add wasm32-wasip2
fi
cargo build --quiet --release --target wasm32-wasip2
mkdir -p out
n=0
for src in src/bin/*.rs; do
  bin=$(basename "$src" .rs)
  f="target/wasm32-wasip2/release/$bin.wasm"
  if [ ! -e "$f" ]; then
    echo "$name: missing $f" >&2
    exit 1
  fi
  cmp -s "$f" "out/$bin.wasm" || cp -f "$f" "out/$bin.wasm"
  n=$((n + 1))
done
echo "$name: $n components" >&2
