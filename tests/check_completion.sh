#!/usr/bin/env bash
# ctest driver: the bash completion (host/cli/completion/tensorplug.bash)
# completes, from the program itself, the subcommands, a subcommand's
# options, backend names (also in a --backends list) and config's
# subcommands. Usage: check_completion.sh COMPLETION_SCRIPT TENSORPLUG
set -u
script=$1
prog=$2
KERAS_HOME=$(mktemp -d)
export KERAS_HOME
trap 'rm -rf "$KERAS_HOME"' EXIT
# shellcheck source=/dev/null
source "$script"
fails=0
expect() {  # expect WANTED WORD...: completing the last word offers WANTED
  local wanted=$1
  shift
  COMP_WORDS=("$prog" "$@")
  COMP_CWORD=$(($# ))
  COMPREPLY=()
  _tensorplug
  local got=" ${COMPREPLY[*]} "
  if [[ $got != *" $wanted "* ]]; then
    echo "FAIL: completing \`tensorplug $*\` offered [${COMPREPLY[*]}], not $wanted"
    fails=$((fails + 1))
  else
    echo "ok: tensorplug $* -> $wanted (${#COMPREPLY[@]} offered)"
  fi
}
expect check ch
expect bench be
expect --verbose --verb
expect --json list --j
expect reference check ref
expect native use nat
expect native,reference bench --backends native,ref
expect unset config un
# Nothing that is not a subcommand.
COMP_WORDS=("$prog" zz); COMP_CWORD=1; COMPREPLY=(); _tensorplug
if [[ ${#COMPREPLY[@]} -ne 0 ]]; then
  echo "FAIL: \`tensorplug zz\` offered [${COMPREPLY[*]}]"
  fails=$((fails + 1))
fi
exit $((fails > 0))
