#!/usr/bin/env bash
# Builds the WASI 0.2 test components (wasm32-wasip2) into tests/p2guests/out/.
# scripts/build.sh runs it; the tests only check that the files are there.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
exec bash "$here/../../scripts/build-wasip2-guests.sh" "$here"
