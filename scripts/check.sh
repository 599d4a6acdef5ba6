#!/usr/bin/env bash
# npm run check: the fast gate, run first by npm test (and so by CI).
#   cargo fmt --check; clippy (host and wasm32, -D warnings); rustdoc with no
#   broken links; eslint and prettier; tsc --strict over js/ and www/ (JSDoc);
#   a lock file that `npm ci` accepts as it is.
# Every step runs; the exit code is non-zero if any failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bin=node_modules/.bin
failed=()
step() {
  local name="$1"
  shift
  local start=$SECONDS
  if "$@" </dev/null; then
    echo "check: $name ok ($((SECONDS - start))s)" >&2
  else
    echo "check: $name FAILED" >&2
    failed+=("$name")
  fi
}

step "cargo fmt" cargo fmt --check
step "clippy (host)" cargo clippy --quiet --all-targets -- -D warnings
step "clippy (wasm32)" cargo clippy --quiet --target wasm32-unknown-unknown --lib -- -D warnings
step "clippy (wasm32, test-seams)" cargo clippy --quiet --target wasm32-unknown-unknown --lib --features test-seams -- -D warnings
step "rustdoc" env RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --lib
step "eslint" "$bin/eslint" --max-warnings 0 .
step "prettier" "$bin/prettier" --check --log-level warn "**/*.{js,mjs,ts,css,html}"
# js/core.js imports the core's glue and its types from pkg/.
[ -f pkg/wasi_web.d.ts ] || echo "check: pkg/ is missing: run npm run build first (tsc reads the core's types)" >&2
step "tsc js/" "$bin/tsc" -p tsconfig.json
step "tsc www/" "$bin/tsc" -p www/jsconfig.json
step "npm ci accepts the lock" npm ci --dry-run --ignore-scripts --no-audit --no-fund --loglevel error

if ((${#failed[@]})); then
  echo "check: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "check: all passed" >&2
