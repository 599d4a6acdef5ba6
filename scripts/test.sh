#!/usr/bin/env bash
# The whole test suite: bootstrap, build (the core and every test guest,
# once), the check gate (npm run check: fmt, clippy, rustdoc, eslint,
# prettier, tsc, the lock), then
#   cargo test                       host unit tests of the core
#   wasm-pack test --headless --chrome   wasm-bindgen layer in Chromium
#   wasm-pack test --node                 ... and in Node
#   node --test tests/js/*.test.js   JS API, CLI, conformance corpus (Node,
#                                    Chromium, the CLI on a sample, Preview 2)
#   the same, Node-side files, under Node 24 (JSPI: async mode in Node)
# Every suite runs even if an earlier one failed; the exit code is non-zero
# if any failed. A missing prerequisite (Chromium, a built guest, an npm
# package) fails its tests, never skips them. SKIP_BOOTSTRAP=1 /
# SKIP_BUILD=1 skip those steps. npm run test:quick is the edit loop's
# subset (scripts/test-quick.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

[ "${SKIP_BOOTSTRAP:-0}" = 1 ] || bash scripts/bootstrap.sh

[ "${SKIP_BUILD:-0}" = 1 ] || bash scripts/build.sh

# The gate runs before every suite (after the build: tsc reads the core's
# types in pkg/); a failure is reported with the others at the end.
check_failed=0
bash scripts/check.sh </dev/null || check_failed=1

. scripts/step.sh
((check_failed == 0)) || failed+=("npm run check")

# chromedriver runs Chromium as root here: it needs --no-sandbox, which
# wasm-bindgen-test-runner takes from webdriver.json in the crate root or
# from this variable.
# The tests run as root in a container, where Chromium cannot sandbox:
# js/node/chromium.js drops its sandbox only when this asks (never for users).
export WASI_WEB_CHROMIUM_NO_SANDBOX=1
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

# Node 20 has no JSPI, Node 24 has: the JS API and hardening tests that run
# in Node (async mode refused there, working here) run again under Node 24,
# from the bootstrap's tools/node24. Their Chromium parts ran above.
NODE24=tools/node24/node_modules/.bin/node
NODE24_FILES=(
  tests/js/async-node.test.js
  tests/js/preview3-node.test.js
  tests/js/preview3-sockets.test.js
  tests/js/pipeline.test.js
  tests/js/www-shell.test.js
  tests/js/provider-url.test.js
  tests/js/provider-opfs.test.js
  tests/js/preview2-mounts.test.js
  tests/js/mount-host.test.js
  tests/js/snapshot.test.js
  tests/js/memfs.test.js
  tests/js/run.test.js
  tests/js/wasi.test.js
  tests/js/robust-hostile.test.js
  tests/js/robust-limits.test.js
  tests/js/robust-output.test.js
  tests/js/robust-panic.test.js
  tests/js/robust-preopens.test.js
  tests/js/robust-shared-memory.test.js
  tests/js/robust-worker.test.js
  tests/js/robust-fuzz-p3.test.js
  tests/js/http-node.test.js
  tests/js/http-serve.test.js
  tests/js/http-hardening.test.js
)
if [ -x "$NODE24" ]; then
  step "node --test (Node 24)" "$NODE24" --test --test-timeout=900000 --test-skip-pattern=Chromium "${NODE24_FILES[@]}"
else
  echo "::: node --test (Node 24): FAILED: $NODE24 is missing (scripts/bootstrap.sh installs it)" >&2
  failed+=("node --test (Node 24)")
fi

if ((${#failed[@]})); then
  echo "test.sh: FAILED: ${failed[*]} (${SECONDS}s)" >&2
  exit 1
fi
echo "test.sh: all suites passed (${SECONDS}s)" >&2
