#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   scripts/bootstrap.sh main          install what is missing, build, run the main job
#   scripts/bootstrap.sh test [PRESET] install what is missing, build, run every test
# PRESET is a CMakePresets.json preset: "default" (the default) or "asan".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

mode=${1:-main}
preset=${2:-default}

bash scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"

case "$mode" in
  main)
    # The main job: train the digits classifier on the configured backend
    # (keras.json, created with the defaults when missing, or KERAS_BACKEND).
    "build/$preset/bin/tensorplug" info
    "build/$preset/bin/tensorplug-digits"
    ;;
  test)
    ctest --preset "$preset" -j "$jobs"
    ;;
  *)
    echo "usage: $0 main|test [preset]" >&2
    exit 64
    ;;
esac
