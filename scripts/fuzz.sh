#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a
# bounded time on a copy of its checked-in seed corpus. A crash fails the
# run and leaves the input in build-fuzz/artifacts/.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 60)
set -euo pipefail
seconds=${1:-60}
here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build-fuzz
CC=clang CXX=clang++ cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDISYNC_FUZZ=ON -DDISYNC_BUILD_TESTS=OFF -DDISYNC_SANITIZE=address,undefined >/dev/null
targets=(params signature_v1 signature_v3 realtime_script task_content datasource_content json_literal)
cmake --build "$build" --target "${targets[@]/%/_fuzz}"
mkdir -p "$build/artifacts"
failed=0
for t in "${targets[@]}"; do
  work=$build/corpus/$t
  rm -rf "$work" && mkdir -p "$work" && cp "$here/tests/fuzz/corpus/$t/"* "$work/"
  echo "fuzz: $t for ${seconds}s"
  if ! "$build/bin/${t}_fuzz" "$work" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
       -rss_limit_mb=2048 -artifact_prefix="$build/artifacts/${t}-" -print_final_stats=1 \
       >"$build/$t.log" 2>&1; then
    echo "fuzz: $t FOUND A CRASH (log: $build/$t.log)"; tail -40 "$build/$t.log"; failed=$((failed + 1))
  else
    grep -E "^stat::number_of_executed_units|^#[0-9]+ +DONE" "$build/$t.log" | tail -2
  fi
done

echo "fuzz: $((${#targets[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
