#!/usr/bin/env bash
# The demo: every feature of ncssctl on the bundled samples, against a fresh database in demo/.
# Usage: samples/demo.sh [PATH-TO-NCSSCTL]
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ncssctl="${1:-$top/build/ncssctl}"
out="${NCSS_DEMO_DIR:-$top/demo}"
rm -rf "$out"
mkdir -p "$out"
export NCSSCTL_DB="$out/ncss.db"
export NCSSCTL_ACTOR="demo-admin"
export NCSSCTL_NOW="2026-05-20T09:00:00+08:00"

step() { printf '\n== %s\n$ ncssctl %s\n' "$1" "${*:2}"; "$ncssctl" "${@:2}"; }
# A step whose documented exit status is not 0 (4: some rows rejected, the rest imported).
step_expect() {
  local want=$1
  shift
  printf '\n== %s\n$ ncssctl %s\n' "$1" "${*:2}"
  local rc=0
  "$ncssctl" "${@:2}" || rc=$?
  if [[ $rc -ne $want ]]; then
    echo "demo: expected exit status $want, got $rc" >&2
    exit 1
  fi
  echo "(exit status $rc, as documented)"
}

step "Create the database" init
step "The code tables" codes --format table
step "Destination codes (毕业去向)" codes destination --format table
step "Employer natures (单位性质)" codes employer_nature --format table
step "A school from the national list" school show 10001 --format table
step "A school by its former name" school show 武汉职业技术学院 --format table
step "Add a school missing from the list" school add --code 99001 --name 示例职业学院 \
  --level 专科 --province 北京市 --city 北京市 --authority 北京市教委
step "The import template (下载批量导入模板)" student template -o "$out/毕业生导入模板.xlsx"
step_expect 4 "Dry run of a roster with six bad rows: nothing is written" \
  student import "$top/samples/roster-2026.csv" --dry-run --format table
step_expect 4 "Import it: the bad rows are reported, the rest imported" \
  student import "$top/samples/roster-2026.csv" --report "$out/导入报告.xlsx" --format table
step "A GBK-encoded CSV, as Chinese Excel saves it" \
  student import "$top/samples/roster-2026-gbk.csv" --cohort 2026 --format table
step_expect 4 "A school's own .xlsx: title row, own column order, numeric phones, one lost-digit ID" \
  student import "$top/samples/roster-2026.xlsx" --format table
step "Importing the same roster again changes nothing" \
  student import "$top/samples/roster-2026-gbk.csv" --cohort 2026 --format table
step "Graduates of one school (ID numbers and phones masked)" \
  student list --school 北京大学 --format table
step "One graduate" student show 110108200311050362 --format table
step "Check the database" db check --format table

printf '\nThe demo database is %s; the import report is %s\n' "$NCSSCTL_DB" "$out/导入报告.xlsx"
