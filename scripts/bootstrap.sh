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
    # The main job: train the Fashion-MNIST CNN on the configured backend
    # (keras.json, created with the defaults when missing, or KERAS_BACKEND),
    # then draw its per-epoch history (docs/images/fashion-history.png).
    "build/$preset/bin/tensorplug" info
    history="build/$preset/fashion-history.csv"
    "build/$preset/bin/tensorplug-fashion" --history "$history" \
      --save "build/$preset/fashion-cnn.safetensors"
    if [ -x .venv/bin/python ] && .venv/bin/python -c 'import matplotlib' 2>/dev/null; then
      .venv/bin/python scripts/plot_history.py "$history" "build/$preset/fashion-history.png"
    fi
    ;;
  test)
    ctest --preset "$preset" -j "$jobs"
    ;;
  *)
    echo "usage: $0 main|test [preset]" >&2
    exit 64
    ;;
esac
