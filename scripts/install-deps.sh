#!/usr/bin/env bash
# Installs every Debian 12 package disync needs to build, run and test, and
# the pinned Node.js clients of the SDK harness. Idempotent: installs only
# what is missing. Run as root (or with sudo available).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost-dev nlohmann-json3-dev libvalijson-dev libsqlite3-dev libssl-dev
  libspdlog-dev libfmt-dev libcli11-dev libpq-dev libmariadb-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcurl4-openssl-dev
  mariadb-server mariadb-client postgresql postgresql-client
  clang libclang-rt-14-dev curl procps nginx-light
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js: any node >= 16 with npm will do (the harness pins its own packages).
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The SDK harness lives in the read-only shared/ folder: install its pinned
# clients into a copy inside the checkout.
shared=${DISYNC_SHARED_DIR:-$here/../shared}
harness_dir=$here/.cache/sdk-harness
if [ -d "$shared/sdk-harness" ]; then
  if [ ! -f "$harness_dir/node_modules/.package-lock.json" ] ||
     ! cmp -s "$shared/sdk-harness/package-lock.json" "$harness_dir/package-lock.json"; then
    echo "install-deps: installing the SDK harness clients into $harness_dir"
    rm -rf "$harness_dir"
    mkdir -p "$harness_dir"
    cp -r "$shared/sdk-harness/." "$harness_dir/"
    (cd "$harness_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
else
  echo "install-deps: warning: $shared/sdk-harness not found; SDK tests will be skipped" >&2
fi
echo "install-deps: ok"
