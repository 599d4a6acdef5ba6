#!/usr/bin/env bash
# Builds the WASI 0.2 test components (wasm32-wasip2) into tests/p2guests/out/.
# Skips quietly (exit 0) when the target is not installed; the tests then skip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export PATH="$HOME/.cargo/bin:$PATH"
if command -v rustup >/dev/null && ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip2; then
  echo "p2guests: wasm32-wasip2 target not installed; skipping" >&2
  exit 0
fi
cargo build --quiet --release --target wasm32-wasip2
mkdir -p out
for src in src/bin/*.rs; do
  name=$(basename "$src" .rs)
  cp -f "target/wasm32-wasip2/release/$name.wasm" "out/$name.wasm"
done
