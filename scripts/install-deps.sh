#!/usr/bin/env bash
# Installs every Debian package that hujiao's build, tests and console need.
# Idempotent and non-interactive; run as root on Debian 12. npm packages come
# from web/package-lock.json (installed by the build, not here).
set -euo pipefail

PKGS=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  # libraries the daemon links
  libboost-dev nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libsqlite3-dev libpq-dev libargon2-dev libsodium-dev libssl-dev
  libsofia-sip-ua-dev libspandsp-dev libopus-dev libspeexdsp-dev
  libsndfile1-dev libespeak-ng-dev espeak-ng-data libbcg729-dev libogg-dev libopusenc-dev
  libxlsxwriter-dev libcurl4-openssl-dev
  # unit tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # system tests: real peers and servers
  postgresql sqlite3 sip-tester baresip wrk sox espeak-ng curl
  python3 python3-pytest python3-websocket procps iproute2 tzdata
  # web console end-to-end tests (Playwright drives Debian's chromium)
  chromium fonts-noto-cjk
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js for the web console: Debian's nodejs/npm unless a node is already present.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi
if ! command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
  dpkg-query -W -f='${Status}' nodejs 2>/dev/null | grep -q "install ok installed" || missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# The Debian postgresql package starts a cluster we do not use; tests make their own.
