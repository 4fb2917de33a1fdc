#!/bin/sh
# Builds the console into web/dist: installs the locked npm packages when
# node_modules is missing or older than package-lock.json, then type-checks
# and bundles. Used by `make run`, `make test` (ctest web_build) and by hand.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm ci` refuses a lock file whose optional platform packages (rollup's
  # other-OS binaries) the registry mirror did not list; `npm install` with the
  # same lock installs the same locked versions and skips those.
  npm ci --no-audit --no-fund || npm install --no-audit --no-fund --no-save
fi
npm run build
