#!/usr/bin/env bash
# Builds the wasi:http test components (wasm32-wasip2) into tests/httpguests/out/.
# scripts/build.sh runs it; the tests only check that the files are there.
# Installs the rust target with rustup when it is missing; exits non-zero on
# any failure (a test run without the components must fail, not skip).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export PATH="$HOME/.cargo/bin:$PATH"
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip2; then
  echo "httpguests: installing rust target wasm32-wasip2" >&2
  rustup target add wasm32-wasip2
fi
cargo build --quiet --release --target wasm32-wasip2
mkdir -p out
n=0
for src in src/bin/*.rs; do
  name=$(basename "$src" .rs)
  f="target/wasm32-wasip2/release/$name.wasm"
  if [ ! -e "$f" ]; then
    echo "httpguests: missing $f" >&2
    exit 1
  fi
  cmp -s "$f" "out/$name.wasm" || cp -f "$f" "out/$name.wasm"
  n=$((n + 1))
done
# The componentize-js guest (fetch() in JavaScript): about a minute to build,
# so only when its sources changed.
if [ ! -e out/js_fetch.wasm ] || [ js/fetch.js -nt out/js_fetch.wasm ] || [ js/build.mjs -nt out/js_fetch.wasm ]; then
  (cd js && node build.mjs)
fi
n=$((n + 1))
echo "httpguests: $n components" >&2
