#!/usr/bin/env bash
# Creates the project-local Python venv <repo>/.venv (git-ignored) with Debian's
# python3 and installs the pinned packages of scripts/python-requirements.txt
# from PyPI. Called by scripts/install-deps.sh; safe to run by itself.
#
# Idempotent: when .venv already holds exactly these pins (a stamp records the
# requirements file's hash), it does nothing and touches no network.
# Failure to install is an error: the README's commands must install it.
#
# Environment:
#   TENSORPLUG_SKIP_TENSORFLOW=1  skip the venv and TensorFlow entirely
#                                 (the TensorFlow probe and plugin are then
#                                 not built; everything else is unaffected)
#   TENSORPLUG_VENV=DIR           venv location (default <repo>/.venv; CMake's
#                                 TENSORPLUG_TENSORFLOW_ROOT must then match)
#   TENSORPLUG_PYTHON=EXE         interpreter for the venv (default Debian's
#                                 /usr/bin/python3 when present, else python3)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ "${TENSORPLUG_SKIP_TENSORFLOW:-0}" = 1 ]; then
  echo "TENSORPLUG_SKIP_TENSORFLOW=1: not installing the Python venv / TensorFlow" >&2
  exit 0
fi

venv=${TENSORPLUG_VENV:-$here/.venv}
req=$here/scripts/python-requirements.txt
stamp=$venv/.tensorplug-requirements.sha256
if [ -n "${TENSORPLUG_PYTHON:-}" ]; then
  python=$TENSORPLUG_PYTHON
elif [ -x /usr/bin/python3 ]; then
  python=/usr/bin/python3
else
  python=python3
fi

want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "Creating the Python venv $venv ($("$python" --version 2>&1))" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi
echo "Installing pinned Python packages into $venv (scripts/python-requirements.txt)" >&2
# --require-virtualenv: never the system Python, whatever pip's config says.
"$venv/bin/python" -m pip install --require-virtualenv --disable-pip-version-check \
  --no-input --progress-bar off -q --only-binary=:all: -r "$req"
echo "$want" >"$stamp"
