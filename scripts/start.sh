#!/usr/bin/env bash
# npm start: bootstrap, build (core and example guests), build the web
# playground with Vite into dist/www/, then serve it and print its URL.
# Long-running: Ctrl+C stops the server.
#   PORT=8080 (default; a free port is picked if it is taken), HOST=127.0.0.1
#   SKIP_BOOTSTRAP=1 / SKIP_BUILD=1 skip those steps (as in scripts/test.sh)
# For development with hot reload instead: npx vite --config www/vite.config.js
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "${SKIP_BOOTSTRAP:-0}" = 1 ] || bash scripts/bootstrap.sh
[ "${SKIP_BUILD:-0}" = 1 ] || bash scripts/build.sh
node_modules/.bin/vite build --config www/vite.config.js --logLevel warn
exec node www/tools/serve.js dist/www
