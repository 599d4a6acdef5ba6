#!/usr/bin/env bash
# npm start: bootstrap, build, then run an example guest on the in-memory
# filesystem (the playground will be served from here later).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
bash scripts/build.sh
node scripts/demo.mjs "$@"
