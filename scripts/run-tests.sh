#!/usr/bin/env bash
# Runs the CTest suite of one build directory, with the test servers the
# integration tests need. Usage: scripts/run-tests.sh BUILD_DIR
#
# Starts a private MariaDB and PostgreSQL (scripts/test-services.sh) in a
# temporary directory, exports their DISYNC_TEST_* variables, and always stops
# them again. When DISYNC_TEST_MYSQL_HOST and DISYNC_TEST_PG_HOST are already
# set, the servers they name are used instead.
set -euo pipefail
build=${1:?usage: run-tests.sh BUILD_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)

export DISYNC_SDK_HARNESS_DIR=${DISYNC_SDK_HARNESS_DIR:-$here/.cache/sdk-harness}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

if [ -z "${DISYNC_TEST_MYSQL_HOST:-}" ] || [ -z "${DISYNC_TEST_PG_HOST:-}" ]; then
  services_dir=$(mktemp -d "${TMPDIR:-/tmp}/disync-services.XXXXXX")
  stop_services() {
    if "$here/scripts/test-services.sh" stop "$services_dir"; then
      rm -rf "$services_dir"
    else
      echo "run-tests: test servers in $services_dir did not stop" >&2
    fi
  }
  trap stop_services EXIT
  # Turn signals into an exit, so that the EXIT trap runs.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  "$here/scripts/test-services.sh" start "$services_dir"
  # shellcheck source=/dev/null
  . "$services_dir/env"
fi

cd "$build"
ctest --output-on-failure --timeout 600 -j "$(nproc)"
