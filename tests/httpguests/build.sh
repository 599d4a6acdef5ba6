#!/usr/bin/env bash
# Builds the wasi:http test components (wasm32-wasip2) into tests/httpguests/out/,
# and the componentize-js one. scripts/build.sh runs it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash ../../scripts/build-wasip2-guests.sh .
# The componentize-js guest (fetch() in JavaScript): about a minute to build,
# so only when its sources changed.
if [ ! -e out/js_fetch.wasm ] || [ js/fetch.js -nt out/js_fetch.wasm ] || [ js/build.mjs -nt out/js_fetch.wasm ]; then
  (cd js && node build.mjs)
fi
echo "httpguests: js_fetch.wasm (componentize-js)" >&2
