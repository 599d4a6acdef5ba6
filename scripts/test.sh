#!/usr/bin/env bash
# The whole test suite: bootstrap, build, then
#   cargo test                       host unit tests of the core
#   wasm-pack test --headless --chrome   wasm-bindgen layer in Chromium
#   wasm-pack test --node                 ... and in Node
#   node --test tests/js/*.test.js   JS API, CLI, conformance corpus (Node, Chromium, CLI)
# Every suite runs even if an earlier one failed; the exit code is non-zero
# if any failed. SKIP_BOOTSTRAP=1 / SKIP_BUILD=1 skip those steps.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

[ "${SKIP_BOOTSTRAP:-0}" = 1 ] || bash scripts/bootstrap.sh
[ "${SKIP_BUILD:-0}" = 1 ] || bash scripts/build.sh

failed=()
step() {
  local name="$1"
  shift
  echo "::: $name" >&2
  local start=$SECONDS
  if "$@" </dev/null; then
    echo "::: $name: ok ($((SECONDS - start))s)" >&2
  else
    echo "::: $name: FAILED ($((SECONDS - start))s)" >&2
    failed+=("$name")
  fi
}

# chromedriver runs Chromium as root here: it needs --no-sandbox, which
# wasm-bindgen-test-runner takes from webdriver.json in the crate root or
# from this variable.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

# jco's transpiled components are cached on disk (js/preview2/transpile-cache-node.js):
# a fresh folder per run keeps the tests from reusing or filling ~/.cache.
if [ -z "${WASI_WEB_CACHE_DIR:-}" ]; then
  WASI_WEB_CACHE_DIR="$(mktemp -d)"
  trap 'rm -rf "$WASI_WEB_CACHE_DIR"' EXIT
  export WASI_WEB_CACHE_DIR
fi

step "cargo test" cargo test --quiet
step "wasm-pack test --headless --chrome" wasm-pack test --headless --chrome
step "wasm-pack test --node" wasm-pack test --node
step "node --test" node --test --test-timeout=900000 tests/js/*.test.js

if ((${#failed[@]})); then
  echo "test.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "test.sh: all suites passed" >&2
