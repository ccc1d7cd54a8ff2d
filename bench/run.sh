#!/usr/bin/env bash
# Runs every benchmark of bench/ and prints one Markdown table
# (bench/README.md says what each row measures). Usage:
#
#   bench/run.sh [BUILD_DIR]          the defaults: under 5 minutes
#   BENCH_SMOKE=1 bench/run.sh        each once at its smallest size (CI)
#   BENCH_GEN_TABLES=1000,10000,100000 bench/run.sh   the 100k catalog too
#
# Starts a private MariaDB (scripts/test-services.sh) unless
# DISYNC_TEST_MYSQL_HOST is set, and always stops it again. nginx must be
# installed (scripts/install-deps.sh installs it).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
bin=$build/bin

if [ -n "${BENCH_SMOKE:-}" ]; then
  gen_tables=${BENCH_GEN_TABLES:-1000}
  gen_args=(--repeat 1)
  generator_args=(--tables 1000 --repeat 1)
  load_args=(--connections 1 --seconds 0.5 --warmup-seconds 0.1 --rounds 1)
  footprint_args=(--runs 1)
else
  gen_tables=${BENCH_GEN_TABLES:-1000,10000}
  gen_args=(--repeat 5)
  generator_args=(--tables 1000,10000 --repeat 3)
  load_args=(--connections 1,4,16,64 --seconds 3)
  footprint_args=(--runs 5)
fi

if [ -z "${DISYNC_TEST_MYSQL_HOST:-}" ]; then
  services_dir=$(mktemp -d "${TMPDIR:-/tmp}/disync-bench-services.XXXXXX")
  stop_services() {
    "$here/scripts/test-services.sh" stop "$services_dir" && rm -rf "$services_dir"
  }
  trap stop_services EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  "$here/scripts/test-services.sh" start "$services_dir"
  # shellcheck source=/dev/null
  . "$services_dir/env"
fi

rows=$(mktemp "${TMPDIR:-/tmp}/disync-bench-rows.XXXXXX")
trap 'rm -f "$rows"; [ -n "${services_dir:-}" ] && stop_services' EXIT
started=$(date +%s)
echo "bench: footprint" >&2
"$bin/disync-bench-footprint" --disyncd "$bin/disyncd" "${footprint_args[@]}" >>"$rows"
echo "bench: generator" >&2
"$bin/disync-bench-generator" "${generator_args[@]}" >>"$rows"
echo "bench: gen_scale ($gen_tables tables)" >&2
"$bin/disync-bench-gen-scale" --disyncd "$bin/disyncd" --tables "$gen_tables" "${gen_args[@]}" >>"$rows"
if [ -z "${BENCH_SMOKE:-}" ]; then
  # The common case of a large source: all its tables in one database.
  echo "bench: gen_scale (10000 tables in one database)" >&2
  "$bin/disync-bench-gen-scale" --disyncd "$bin/disyncd" --tables 10000 --databases 1 \
    "${gen_args[@]}" >>"$rows"
fi
echo "bench: api_load" >&2
"$bin/disync-bench-api-load" --disyncd "$bin/disyncd" "${load_args[@]}" >>"$rows"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo
echo "disync $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%d)," \
     "$(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
     "Linux $(uname -r), $(mariadb --version 2>/dev/null | sed -n 's/.*Distrib \([^,]*\),.*/MariaDB \1/p');" \
     "$(($(date +%s) - started)) s"
echo
printf '| benchmark | case | disync | baseline | ratio | notes |\n| --- | --- | --- | --- | --- | --- |\n'
cat "$rows"
