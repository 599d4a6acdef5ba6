#!/usr/bin/env bash
# Builds the WASI 0.3 test components (the wasip3 crate on wasm32-wasip2) into
# tests/p3guests/out/. scripts/build.sh runs it.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
exec bash "$here/../../scripts/build-wasip2-guests.sh" "$here"
