#!/usr/bin/env bash
# The edit loop's tests (npm run test:quick), under two minutes: no Chromium,
# no bootstrap, no release build.
#   cargo test --lib                 the core's unit tests on the host
#   scripts/build.sh --dev           only when src/ is newer than pkg/ (or the
#                                    tests' core pkg-test/ is missing)
#   node --test FILES                the Node-side JS tests, the conformance
#                                    corpus in Node only
# `npm test` (scripts/test.sh) is the full run: Chromium, the CLI, the
# corpus through Preview 2 and preview2-shim, wasm-bindgen tests, Node 24.
# Prints how long it took; exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
start=$SECONDS

# The Node-side files that run in seconds; the slow or Chromium ones are
# left to npm test (preview2-corpus runs every guest on two hosts).
QUICK_FILES=(
  tests/js/async-node.test.js
  tests/js/conformance-node.test.js
  tests/js/memfs.test.js
  tests/js/preview2-cache.test.js
  tests/js/preview2-missing.test.js
  tests/js/preview2-node.test.js
  tests/js/preview2-timezone.test.js
  tests/js/robust-fuzz-entry.test.js
  tests/js/robust-limits.test.js
  tests/js/robust-output.test.js
  tests/js/robust-p2-lengths.test.js
  tests/js/robust-panic.test.js
  tests/js/robust-preopens.test.js
  tests/js/run.test.js
  tests/js/wasi.test.js
)

. scripts/step.sh

# Whether the wasm core must be rebuilt: a Rust source or the manifest is
# newer than pkg/, or a build output is missing. (The guests are checked by
# their own build scripts, which do nothing when up to date.)
stale() {
  [ -f pkg/wasi_web_bg.wasm ] && [ -f pkg-test/wasi_web_bg.wasm ] || return 0
  [ -n "$(find src Cargo.toml Cargo.lock build.rs -newer pkg/wasi_web_bg.wasm -print -quit 2>/dev/null)" ]
}

step "cargo test --lib" cargo test --quiet --lib
if stale; then
  step "scripts/build.sh --dev" bash scripts/build.sh --dev
else
  step "guests" bash -c "bash tests/guests/build.sh && bash tests/p2guests/build.sh && bash tests/p3guests/build.sh"
fi

if [ -z "${WASI_WEB_CACHE_DIR:-}" ]; then
  WASI_WEB_CACHE_DIR="$(mktemp -d)"
  trap 'rm -rf "$WASI_WEB_CACHE_DIR"' EXIT
  export WASI_WEB_CACHE_DIR
fi
step "node --test (quick)" node --test --test-reporter=dot "${QUICK_FILES[@]}"

took=$((SECONDS - start))
if ((${#failed[@]})); then
  echo "test-quick.sh: FAILED: ${failed[*]} (${took}s)" >&2
  exit 1
fi
echo "test-quick.sh: all passed in ${took}s (npm test is the full run)" >&2
