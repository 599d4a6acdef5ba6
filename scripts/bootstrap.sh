#!/usr/bin/env bash
# Installs whatever this machine lacks to build and test wasi-web. Idempotent:
# each step checks first, so a second run takes a few seconds.
#   apt: chromium chromium-driver (browser tests), clang lld wasi-libc
#        libclang-rt-14-dev-wasm32 (C guests)
#   rustup targets wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2
#   cargo: wasm-bindgen-cli 0.2.130 (pinned like the crate), wasm-pack
#   npm: the devDependencies (npm ci), and Node 24 in tools/node24 (npm ci)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log() { echo "bootstrap: $*" >&2; }

WASM_BINDGEN_VERSION=0.2.130
APT_PACKAGES=(chromium chromium-driver clang lld wasi-libc libclang-rt-14-dev-wasm32)
RUST_TARGETS=(wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2)

# --- Debian packages ---------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  sudo=()
  if [ "$(id -u)" != 0 ]; then sudo=(sudo); fi
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

# --- Rust --------------------------------------------------------------------
if ! command -v rustup >/dev/null || ! command -v cargo >/dev/null; then
  log "rustup/cargo not found: install Rust stable (https://rustup.rs) first"
  exit 1
fi
installed_targets="$(rustup target list --installed)"
for target in "${RUST_TARGETS[@]}"; do
  if ! grep -qx "$target" <<<"$installed_targets"; then
    log "rustup target add $target"
    rustup target add "$target"
  fi
done

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  # Not --locked: the CLI's lock file pins crates that no longer build.
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if ! command -v wasm-pack >/dev/null; then
  log "cargo install wasm-pack"
  cargo install --locked wasm-pack
fi

# --- Node --------------------------------------------------------------------
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "node and npm not found: install Node.js 20 or newer first"
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  log "Node.js $(node --version) is too old: wasi-web needs 20 or newer"
  exit 1
fi
if [ ! -e node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || [ package.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  # npm ci only: it installs exactly the committed lock and never rewrites it.
  npm ci --no-audit --no-fund </dev/null
fi
# Node 24 (JSPI in Node) from the npm registry, beside the machine's Node 20:
# tests run the Node suites on both.
if [ ! -x tools/node24/node_modules/.bin/node ] || [ tools/node24/package-lock.json -nt tools/node24/node_modules/.package-lock.json ]; then
  log "npm ci (tools/node24)"
  npm ci --prefix tools/node24 --no-audit --no-fund </dev/null
fi
log "ok"
