#!/bin/sh
# Builds the console into web/dist: installs the locked npm packages when
# node_modules is missing or older than package-lock.json, then type-checks
# and bundles. Used by ctest (web_build) and usable by hand.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
