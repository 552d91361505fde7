#!/usr/bin/env bash
# Installs, from Debian 12's archive, whatever tensorplug's build needs and the
# machine lacks, then the project-local Python venv with the pinned
# tensorflow-cpu wheel (scripts/install-python.sh; its C API is used by
# plugins/tensorflow). Idempotent: installs nothing when everything is present.
# libopenblas-dev: the native backend's BLAS; libtorch-dev: the libtorch
# baselines of bench/ and the torch backend; zlib1g-dev and
# dataset-fashion-mnist: the main job (tensorplug-fashion) and its data.
# dpkg-dev (dpkg-shlibdeps, for cpack's Depends), lintian and file: the
# Debian packages and their test (cmake/TensorplugPackaging.cmake,
# tests/package/run_deb_test.cmake).
# Runs as root, or through sudo when not root (apt-get only).
#   TENSORPLUG_SKIP_TENSORFLOW=1  skip python3-venv, the venv and TensorFlow
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev
  catch2 libspdlog-dev libfmt-dev libcli11-dev libdlpack-dev
  libbenchmark-dev
  libopenblas-dev
  libtorch-dev
  zlib1g-dev dataset-fashion-mnist
  dpkg-dev lintian file
)
if [ "${TENSORPLUG_SKIP_TENSORFLOW:-0}" != 1 ]; then
  packages+=(python3 python3-venv)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
install_python() { bash "$here/scripts/install-python.sh"; }
if [ ${#missing[@]} -eq 0 ]; then
  install_python
  exit 0
fi

echo "Installing missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "error: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_python
