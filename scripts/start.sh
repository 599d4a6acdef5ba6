#!/usr/bin/env bash
# npm start: bootstrap, build (core and example guests), then serve the web
# playground from the repository root and print its URL. Long-running: Ctrl+C
# stops the server.
#   PORT=8080 (default; a free port is picked if it is taken), HOST=127.0.0.1
#   npm start -- dist/www   serves a folder built by npm run build:www instead
#   SKIP_BOOTSTRAP=1 / SKIP_BUILD=1 skip those steps (as in scripts/test.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "${SKIP_BOOTSTRAP:-0}" = 1 ] || bash scripts/bootstrap.sh
[ "${SKIP_BUILD:-0}" = 1 ] || bash scripts/build.sh
exec node www/tools/serve.js "$@"
