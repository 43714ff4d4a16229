#!/usr/bin/env bash
# Compiles Passerelle to JavaScript in dist/ (what the container image and the VM install run: no tsx, no
# TypeScript at run time), with the data files the code reads next to itself (catalogue, lexicon, calibrated
# model, gazetteer, shipped enrichment, console assets), package.json and the sample documents.
# Usage: deploy/build.sh   (from anywhere; needs the dev dependencies: npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npx tsc -p deploy/tsconfig.build.json
find app bots adapters knowledge state queue worker config cli -type f ! -name '*.ts' -print0 | xargs -0 -I{} cp --parents {} dist/
cp package.json dist/
cp -r examples dist/
echo "dist/ ready: node dist/cli/main.js <command>"
