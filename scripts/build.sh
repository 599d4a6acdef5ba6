#!/usr/bin/env bash
# Builds the core into pkg/ (release, then npm binaryen's wasm-opt), checks
# that the optimised core still runs, builds the tests' core (pkg-test/,
# with test seams) and the test guests (Preview 1 and WASI 0.2).
#   scripts/build.sh            release build
#   scripts/build.sh --dev      debug build, no wasm-opt (faster)
#   scripts/build.sh --package  what the npm package ships: release pkg/ and
#                               the browser bundle (dist/browser/); npm pack
#                               runs it (prepack)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log() { echo "build: $*" >&2; }

mode="${1:-release}"
if [ "$mode" = "--dev" ]; then
  log "wasm-pack build --dev"
  wasm-pack --quiet build --dev --target web --out-dir pkg
  node scripts/export-externref-stack.mjs pkg/wasi_web_bg.wasm
else
  log "wasm-pack build --release"
  wasm-pack --quiet build --release --target web --out-dir pkg
  # wasm-bindgen's externref stack pointer, for js/recovery.js to reset after a trap.
  node scripts/export-externref-stack.mjs pkg/wasi_web_bg.wasm
  wasm_opt=node_modules/.bin/wasm-opt
  if [ ! -x "$wasm_opt" ]; then
    log "$wasm_opt missing: run scripts/bootstrap.sh (npm ci)"
    exit 1
  fi
  before=$(stat -c %s pkg/wasi_web_bg.wasm)
  # --low-memory-unused: the core's stack is the first 1 MiB of its memory,
  # so its low 1 KiB is touched only by a stack 1 KiB short of overflowing;
  # assuming it unused lets wasm-opt fold address offsets (-1.6 KB gzipped).
  "$wasm_opt" -Oz --converge --low-memory-unused --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-multivalue --enable-reference-types \
    pkg/wasi_web_bg.wasm -o pkg/wasi_web_bg.opt.wasm
  mv -f pkg/wasi_web_bg.opt.wasm pkg/wasi_web_bg.wasm
  log "wasm-opt -Oz: $before -> $(stat -c %s pkg/wasi_web_bg.wasm) bytes"
  # The Rust doc comments live on in pkg/wasi_web.d.ts; the shipped glue
  # need not carry them (a tenth of its gzipped size).
  node scripts/strip-glue-docs.mjs pkg/wasi_web.js
fi
# wasm-pack's pkg/.gitignore ("*") would keep pkg/snippets/ out of the npm
# package; the repository's own .gitignore already ignores pkg/.
rm -f pkg/.gitignore
node scripts/smoke.mjs

# The pre-bundled browser entry (dist/browser/), built from pkg/ and js/.
log "bundle (dist/browser/)"
node scripts/bundle.mjs
if [ "$mode" = "--package" ]; then
  log "ok (package)"
  exit 0
fi

# The tests' core: a debug build with the test seams (`test-seams`:
# MemFsCore.armPanicForTests), which pkg/ never has. Tests that need them
# load it with tests/js/helpers/seam-core.js.
log "wasm-pack build --dev --features test-seams (pkg-test/)"
wasm-pack --quiet build --dev --target web --out-dir pkg-test -- --features test-seams
node scripts/export-externref-stack.mjs pkg-test/wasi_web_bg.wasm
rm -f pkg-test/.gitignore

# Every test guest is built here, once: the tests only check that it is there.
log "guests"
bash tests/guests/build.sh
log "WASI 0.2 test components"
bash tests/p2guests/build.sh
log "wasi:http test components"
bash tests/httpguests/build.sh
log "WASI 0.3 test components"
bash tests/p3guests/build.sh
log "ok"
