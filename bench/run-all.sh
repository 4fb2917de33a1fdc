#!/usr/bin/env bash
# Runs every benchmark once with short, default settings and prints its figures.
# Usage: bench/run-all.sh BUILD_DIR   (make bench). Each bench/<area>/README.md
# explains the longer runs the issues' targets are measured with.
set -uo pipefail
build=${1:-build/release}
cd "$(dirname "$0")/.."
ninja -C "$build" acd_bench media_bench recording_bench report_bench sip_testd hujiaod >/dev/null || exit 1
run() { echo; echo "=== $*"; "$@" || echo "(failed: $?)"; }
run bench/http/run.sh "$build/src/app/hujiaod"
run "$build/bench/acd/acd_bench"
run "$build/bench/media/media_bench" --calls 500 --workers 2
run "$build/bench/recording/recording_bench" 5
run "$build/bench/report/report_bench" --backend sqlite --seconds 20 --records 200000
HUJIAO_BUILD_DIR=$build run /usr/bin/python3 bench/sip/run_bench.py rate --cps 500 --seconds 10 --pairs 2
