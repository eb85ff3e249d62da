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
#   REPEAT=3                 runs of each measured command, the two sides of a ratio in turn;
#                            the median counts (default 3)
#
# Exits 0 when everything was measured, even if a target is missed (the table says MISSED);
# 2 when the build, the generated input or sqlite3 (the floor) is missing.
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

bench=roster_import.sh
# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
find_python openpyxl python3-openpyxl

# check_stored KIND DB: a time means nothing unless every row was stored, so a wrong count is a
# MISSED row of its own (and makes the run's verdict MISSED).
check_stored() {
  local n
  n=$(q "$2" 'SELECT count(*) FROM graduates' 2>/dev/null || true)
  [[ $n == "$rows" ]] || row "$1: graduates stored" "${n:-?}" "= $rows" "MISSED"
}

repeat=${REPEAT:-3}
if ! [[ $repeat =~ ^[1-9][0-9]?$ ]]; then
  echo "roster_import.sh: REPEAT must be a whole number from 1 to 99" >&2
  exit 2
fi
# timed ROW_LABEL WALL RUNS: the median's row, and the runs it was taken from when there were several.
timed() {
  row "$1" "$2 s" "" ""
  ((repeat == 1)) || row "  runs (median above)" "" "$3" ""
}

echo "roster import benchmark: $rows rows, $repeat run(s) of each, ncssctl from $build"
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

# Each run starts from a new database: removed, then made by init (or by sqlite3 itself). The two
# sides of each ratio run in turn (see alternate in lib.sh).
fresh() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

# report KIND A_LABEL A_ROW B_LABEL B_ROW RATIO_ROW OP TARGET: the rows of one alternate run: the
# import's median (A, with the graduates it stored in $work/KIND.db) and peak RSS, the
# reference's median (B; none when B_LABEL is empty) and their ratio, A/B for OP le, B/A for ge.
report() {
  local kind=$1 a_label=$2 a_row=$3 b_label=$4 b_row=$5 ratio_row=$6 op=$7 target=$8 r
  if ((a_status != 0)); then
    status=$a_status
    failed "$a_label"
    row "$a_row" "FAILED" "" "MISSED"
    return 0
  fi
  printf -v "${kind}_rss" %s "$a_rss"
  timed "$a_row" "$a_wall" "$a_runs"
  check_stored "$kind" "$work/$kind.db"
  [[ -n $b_label ]] || return 0
  if ((b_status != 0)); then
    status=$b_status
    failed "$b_label"
    return 0
  fi
  timed "$b_row" "$b_wall" "$b_runs"
  if [[ $op == le ]]; then
    r=$(ratio "$a_wall" "$b_wall")
    row "$ratio_row" "$r" "<= $target" "$(verdict "$r" le "$target")"
  else
    r=$(ratio "$b_wall" "$a_wall")
    row "$ratio_row" "$r" ">= $target" "$(verdict "$r" ge "$target")"
  fi
}
csv_rss='' xlsx_rss=''

# (a) CSV: ncssctl against the floor, sqlite3's own .import into a bare table.
csv_run() {
  fresh "$work/csv.db"
  init_db "$work/csv.db"
  measure csv_import "$ncssctl" --db "$work/csv.db" student import "$csv" --quiet
}
floor_run() {
  fresh "$work/bare.db"
  measure csv_floor sqlite3 -cmd ".mode csv" "$work/bare.db" ".import '$csv' t"
}
alternate "$repeat" csv_run floor_run
report csv csv_import "csv: ncssctl student import" csv_floor "csv: sqlite3 .import (floor)" \
  "csv: ncssctl / sqlite3" le 1.5

# (b) xlsx: ncssctl against openpyxl's streaming reader doing nothing but iterate.
xlsx_run() {
  fresh "$work/xlsx.db"
  init_db "$work/xlsx.db"
  measure xlsx_import "$ncssctl" --db "$work/xlsx.db" student import "$xlsx" --quiet
}
openpyxl_run() {
  measure openpyxl "$python" -c 'import sys
from openpyxl import load_workbook
book = load_workbook(sys.argv[1], read_only=True)
rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
print(rows)' "$xlsx"
}
reference=''
[[ -n $python ]] && reference=openpyxl_run
alternate "$repeat" xlsx_run "$reference"
report xlsx xlsx_import "xlsx: ncssctl student import" "${reference:+openpyxl}" \
  "xlsx: openpyxl read_only iteration" "xlsx: openpyxl / ncssctl" ge 10

# (c) Peak memory of both imports.
for measured in "csv:$csv_rss" "xlsx:$xlsx_rss"; do
  kind=${measured%%:*} kib=${measured#*:}
  [[ -n $kib ]] || continue
  m=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
  row "$kind: ncssctl peak RSS" "$(mib "$kib")" "<= 64 MiB" "$(verdict "$m" le 64)"
done

print_summary
exit 0
