#!/usr/bin/env bash
# Runs the CTest suite of one build directory, with the test servers the
# integration tests need. Usage: scripts/run-tests.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: run-tests.sh BUILD_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)

export DISYNC_SDK_HARNESS_DIR=${DISYNC_SDK_HARNESS_DIR:-$here/.cache/sdk-harness}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

cd "$build"
ctest --output-on-failure --timeout 600 -j "$(nproc)"
