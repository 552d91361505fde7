# bash completion for tensorplug (installed as
# share/bash-completion/completions/tensorplug). Everything comes from the
# program itself, so nothing here drifts from it: the subcommands from
# `tensorplug --help`, each one's options from `tensorplug SUB --help`, and
# backend names from `tensorplug list` (builtins and every library under
# the search roots).

_tensorplug_subcommands() {
  "$@" --help 2>/dev/null | awk '
    /^Subcommands:/ { on = 1; next }
    on && /^$/ { exit }
    on && /^  [a-z]/ { print $1 }'
}

_tensorplug_options() {
  # "  -q,--quiet ..." and "  --json ..." lines: every -x and --long.
  "$@" --help 2>/dev/null | awk '
    /^  -/ {
      n = split($1, parts, ",")
      for (i = 1; i <= n; i++) if (parts[i] ~ /^-/) print parts[i]
    }'
}

_tensorplug_backends() {
  # The names of `tensorplug list`, up to its first blank line.
  "$1" list 2>/dev/null | awk '
    NR > 1 && /^$/ { exit }
    /^[* ] [A-Za-z_]/ { sub(/^[* ] /, ""); print $1 }'
}

_tensorplug() {
  local cur prog sub i
  cur=${COMP_WORDS[COMP_CWORD]}
  prog=${COMP_WORDS[0]}
  sub=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -*) ;;
      *) sub=${COMP_WORDS[i]}; break ;;
    esac
  done
  if [[ -z $sub ]]; then
    if [[ $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$(_tensorplug_options "$prog")" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -W "$(_tensorplug_subcommands "$prog")" -- "$cur")
    fi
    return
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_tensorplug_options "$prog" "$sub")" -- "$cur")
    return
  fi
  local prev=${COMP_WORDS[COMP_CWORD-1]}
  case $sub in
    check|use)
      # A backend name, or a library path.
      if [[ $cur == */* || $cur == .* ]]; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      else
        mapfile -t COMPREPLY < <(compgen -W "$(_tensorplug_backends "$prog")" -- "$cur")
      fi
      ;;
    bench)
      if [[ $prev == --backends ]]; then
        # A comma-separated list: complete its last element.
        local head=${cur%,*} last=${cur##*,}
        [[ $head == "$cur" ]] && head="" || head="$head,"
        mapfile -t COMPREPLY < <(compgen -P "$head" -W "$(_tensorplug_backends "$prog")" -- "$last")
      fi
      ;;
    config)
      if [[ $prev == config ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_tensorplug_subcommands "$prog" config)" -- "$cur")
      fi
      ;;
  esac
}
complete -o default -F _tensorplug tensorplug
