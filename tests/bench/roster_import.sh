#!/usr/bin/env bash
# The roster import benchmark (README.md in this directory says what each number means).
#
# Usage: tests/bench/roster_import.sh [N]      N rows, default 100000 (1000000 for the big run)
# Environment:
#   BUILD=DIR                the build directory holding ncssctl and tests/bench/gen_roster
#                            (default ./build); this script builds nothing
#   XLSX_SHARED_STRINGS=1    write the .xlsx with a shared-strings table, as Excel does
#                            (default: inline strings, libxlsxwriter's constant-memory mode)
#   KEEP=1                   keep the work directory (roster files, databases, outputs)
#   PYTHON=python3           the Python that has openpyxl (default /usr/bin/python3, python3)
#
# Exits 0 when everything was measured, even if a target is missed (the table says MISSED);
# 2 when the build or an input is missing.
set -euo pipefail

rows=${1:-100000}
if ! [[ $rows =~ ^[1-9][0-9]*$ ]] || ((rows > 1048575)); then
  echo "roster_import.sh: N must be a whole number from 1 to 1048575 (one sheet's rows)" >&2
  exit 2
fi
build=${BUILD:-./build}
ncssctl="$build/ncssctl"
gen="$build/tests/bench/gen_roster"
for tool in "$ncssctl" "$gen"; do
  if [[ ! -x $tool ]]; then
    echo "roster_import.sh: $tool is missing; build first: cmake --build $build" >&2
    exit 2
  fi
done

note() { printf '  note: %s\n' "$*" >&2; }

can_install() { [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "$@" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$@" >/dev/null 2>&1; }
}

# Peak RSS comes from GNU time (Debian package "time"), else from getrusage(RUSAGE_CHILDREN) in
# a Python wrapper, else it is not measured.
rss_mode=none
if [[ -x /usr/bin/time ]] || { can_install && apt_install time && [[ -x /usr/bin/time ]]; }; then
  rss_mode=gnu_time
elif command -v python3 >/dev/null; then
  rss_mode=python
  note "/usr/bin/time is missing (Debian package time): peak RSS via a Python getrusage wrapper"
else
  note "/usr/bin/time and python3 are missing: peak RSS is not measured"
fi

if ! command -v sqlite3 >/dev/null && can_install; then apt_install sqlite3 || true; fi

find_openpyxl() {
  local py
  for py in ${PYTHON:-} /usr/bin/python3 python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import openpyxl' 2>/dev/null; then
      openpyxl_python=$py
      return 0
    fi
  done
  return 1
}
openpyxl_python=
if ! find_openpyxl; then
  if can_install; then
    apt_install python3-openpyxl || true
    find_openpyxl || note "python3-openpyxl could not be installed: the openpyxl comparison is skipped"
  else
    note "openpyxl is missing and this is not root with apt-get (Debian package python3-openpyxl):" \
      "the openpyxl comparison is skipped"
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ncss-bench.XXXXXX")
if [[ ${KEEP:-0} == 1 ]]; then
  echo "work directory: $work (kept)"
else
  trap 'rm -rf "$work"' EXIT
fi
export NCSSCTL_ACTOR=bench

# measure LABEL COMMAND...: runs COMMAND with stdout and stderr to $work/LABEL.{out,err}; sets
# status, wall (seconds) and rss_kib (empty when not measured).
measure() {
  local label=$1 t0 t1
  shift
  local out="$work/$label.out" err="$work/$label.err" rss="$work/$label.rss"
  : >"$rss"
  t0=$(date +%s%N)
  set +e
  case $rss_mode in
    gnu_time) /usr/bin/time -f %M -o "$rss" "$@" >"$out" 2>"$err" ;;
    python)
      python3 -c 'import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(status)' "$rss" "$@" >"$out" 2>"$err" ;;
    *) "$@" >"$out" 2>"$err" ;;
  esac
  status=$?
  set -e
  t1=$(date +%s%N)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  rss_kib=$(tail -n 1 "$rss" | tr -dc 0-9)
}

failed() {  # LABEL: says why a measured command failed
  echo "  $1 failed with exit status $status:" >&2
  tail -n 5 "$work/$1.err" >&2 || true
}

results=()
row() { results+=("$(printf '%-34s %12s   %-10s %s' "$1" "$2" "$3" "$4")"); }
verdict() {  # VALUE OP TARGET -> ok / MISSED (counted at the end from the table)
  if awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { exit !((op == "le") ? v <= t : v >= t) }'; then
    echo ok
  else
    echo MISSED
  fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

init_db() {
  local said
  if ! said=$("$ncssctl" --db "$1" init 2>&1); then
    echo "roster_import.sh: ncssctl init failed: $said" >&2
    exit 2
  fi
}

count_graduates() {
  if command -v sqlite3 >/dev/null; then sqlite3 "$1" 'SELECT count(*) FROM graduates' 2>/dev/null || true; fi
}

# check_stored KIND DB: a time means nothing unless every row was stored, so a wrong count is a
# MISSED row of its own (and makes the run's verdict MISSED).
check_stored() {
  local n
  n=$(count_graduates "$2")
  if [[ -z $n ]]; then
    note "sqlite3 is missing: the $1 import's stored rows were not counted"
  elif [[ $n != "$rows" ]]; then
    row "$1: graduates stored" "$n" "= $rows" "MISSED"
  fi
}

echo "roster import benchmark: $rows rows, ncssctl from $build"
csv="$work/roster.csv"
xlsx="$work/roster.xlsx"
gen_args=("$rows" "$csv" "$xlsx")
[[ ${XLSX_SHARED_STRINGS:-0} == 1 ]] && gen_args+=(--shared-strings)
measure gen "$gen" "${gen_args[@]}"
if ((status != 0)); then
  failed gen
  exit 2
fi
printf '  generated in %s s: roster.csv %s, roster.xlsx %s (%s strings)\n' "$wall" \
  "$(du -h "$csv" | cut -f1)" "$(du -h "$xlsx" | cut -f1)" \
  "$([[ ${XLSX_SHARED_STRINGS:-0} == 1 ]] && echo shared || echo inline)"

# (a) CSV: ncssctl against the floor, sqlite3's own .import into a bare table.
csv_rss= xlsx_rss=
init_db "$work/csv.db"
measure csv_import "$ncssctl" --db "$work/csv.db" student import "$csv" --quiet
if ((status != 0)); then
  failed csv_import
  row "csv: ncssctl student import" "FAILED" "" "MISSED"
else
  csv_wall=$wall csv_rss=$rss_kib
  row "csv: ncssctl student import" "$csv_wall s" "" ""
  check_stored csv "$work/csv.db"
  if command -v sqlite3 >/dev/null; then
    measure csv_floor sqlite3 -cmd ".mode csv" "$work/bare.db" ".import '$csv' t"
    if ((status != 0)); then
      failed csv_floor
    else
      row "csv: sqlite3 .import (floor)" "$wall s" "" ""
      r=$(ratio "$csv_wall" "$wall")
      row "csv: ncssctl / sqlite3" "$r" "<= 1.5" "$(verdict "$r" le 1.5)"
    fi
  else
    note "sqlite3 is missing (Debian package sqlite3): no floor for the CSV import"
  fi
fi

# (b) xlsx: ncssctl against openpyxl's streaming reader doing nothing but iterate.
init_db "$work/xlsx.db"
measure xlsx_import "$ncssctl" --db "$work/xlsx.db" student import "$xlsx" --quiet
if ((status != 0)); then
  failed xlsx_import
  row "xlsx: ncssctl student import" "FAILED" "" "MISSED"
else
  xlsx_wall=$wall xlsx_rss=$rss_kib
  row "xlsx: ncssctl student import" "$xlsx_wall s" "" ""
  check_stored xlsx "$work/xlsx.db"
  if [[ -n $openpyxl_python ]]; then
    measure openpyxl "$openpyxl_python" -c 'import sys
from openpyxl import load_workbook
book = load_workbook(sys.argv[1], read_only=True)
rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
print(rows)' "$xlsx"
    if ((status != 0)); then
      failed openpyxl
    else
      row "xlsx: openpyxl read_only iteration" "$wall s" "" ""
      r=$(ratio "$wall" "$xlsx_wall")
      row "xlsx: openpyxl / ncssctl" "$r" ">= 10" "$(verdict "$r" ge 10)"
    fi
  fi
fi

# (c) Peak memory of both imports.
if [[ $rss_mode != none ]]; then
  for kind in csv xlsx; do
    var="${kind}_rss"
    [[ -n ${!var} ]] || continue
    m=$(awk -v k="${!var}" 'BEGIN { printf "%.1f", k / 1024 }')
    row "$kind: ncssctl peak RSS" "$(mib "${!var}")" "<= 64 MiB" "$(verdict "$m" le 64)"
  done
fi

echo
printf '%-34s %12s   %-10s %s\n' "measure" "value" "target" "result"
printf '%s\n' "${results[@]}"
echo
missed=$(printf '%s\n' "${results[@]}" | grep -c 'MISSED$' || true)
if ((missed > 0)); then
  echo "MISSED: $missed target(s) not met (see the result column)"
else
  echo "all targets met"
fi
exit 0
