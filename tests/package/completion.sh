#!/usr/bin/env bash
# The generated bash completion, driven as bash drives it (issue 8):
#   tests/package/completion.sh BUILD_DIR
# Loads bash-completion (Debian package bash-completion) and BUILD_DIR/man/ncssctl.bash, then
# completes partial command lines and checks the candidates: commands, subcommands, options,
# fixed option values, code-table values from a database, and file names.
set -euo pipefail

build=$(cd "${1:?usage: completion.sh BUILD_DIR}" && pwd)
[[ -f /usr/share/bash-completion/bash_completion ]] ||
  { echo "completion.sh: bash-completion is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ncss-completion.XXXXXX")
trap 'rm -rf "$work"' EXIT
export PATH="$build:$PATH"  # _ncssctl_codes asks the ncssctl on PATH
ncssctl --db "$work/c.db" init >/dev/null 2>&1
touch "$work/roster-2026.csv"

# bash-completion's functions are written for interactive shells: no -e, no -u from here on.
set +eu
# shellcheck disable=SC1091
source /usr/share/bash-completion/bash_completion
# shellcheck disable=SC1091
source "$build/man/ncssctl.bash"

failures=0
# expect "WORDS..." WANT...: completing the last word of WORDS offers every WANT.
expect() {
  local line=$1
  shift
  read -ra COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line
  COMP_POINT=${#line}
  COMPREPLY=()
  _ncssctl
  local got=" ${COMPREPLY[*]} " want
  for want in "$@"; do
    if [[ $got != *" $want "* ]]; then
      echo "completion.sh: '$line' offers [${COMPREPLY[*]}], not $want" >&2
      failures=$((failures + 1))
    fi
  done
}

expect "ncssctl " student invite review sweep agreement --db --format
expect "ncssctl stu" student
expect "ncssctl student " import list template
expect "ncssctl student import --" --cohort --dry-run --all-or-nothing
expect "ncssctl --format " table csv json jsonl
expect "ncssctl agreement pdf --state " signed terminating
expect "ncssctl agreement pdf --all --st" --state
expect "ncssctl --db $work/c.db invite issue --job-category " 13
expect "ncssctl --db $work/c.db invite withdraw 1 --reason " 01
expect "ncssctl student import $work/roster" "$work/roster-2026.csv"
if ((failures > 0)); then
  exit 1
fi
echo "completion: ok"
