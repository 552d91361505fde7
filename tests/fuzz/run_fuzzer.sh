#!/usr/bin/env bash
# Fuzzes one target for a given time with libFuzzer (the `fuzz` preset:
# clang-14, ASan + UBSan, libFuzzer):
#   tests/fuzz/run_fuzzer.sh <elf|config|resolve_name|config_edit> [seconds]
# New inputs go to build/fuzz/corpus/<target> (the repo's seed corpus is
# only read); a crash leaves crash-* in the current directory. Copy an input
# worth keeping into tests/fuzz/corpus/<target>/ so every ctest run replays it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target=${1:?usage: $0 <elf|config|resolve_name|config_edit> [seconds]}
seconds=${2:-60}
cd "$here"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j 2 --target "fuzz_$target"
work="build/fuzz/corpus/$target"
mkdir -p "$work"
seeds=("tests/fuzz/corpus/$target")
if [[ $target == elf ]]; then
  cmake --build --preset fuzz -j 2 --target tensorplug_fixtures
  seeds+=(build/fuzz/tests/fixtures)
fi
exec "build/fuzz/bin/fuzz_$target" -max_total_time="$seconds" \
  -timeout=10 -rss_limit_mb=2048 "$work" "${seeds[@]}"
