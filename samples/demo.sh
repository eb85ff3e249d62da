#!/usr/bin/env bash
# The demo: every feature of ncssctl on the bundled samples, against a fresh database in demo/.
# Usage: samples/demo.sh [PATH-TO-NCSSCTL]
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ncssctl="${1:-$top/build/ncssctl}"
out="$top/demo"
rm -rf "$out"
mkdir -p "$out"
export NCSSCTL_DB="$out/ncss.db"
export NCSSCTL_ACTOR="demo-admin"
export NCSSCTL_NOW="2026-05-20T09:00:00+08:00"

step() { printf '\n== %s\n$ ncssctl %s\n' "$1" "${*:2}"; "$ncssctl" "${@:2}"; }

step "Create the database" init
step "The code tables" codes --format table
step "Destination codes (毕业去向)" codes destination --format table
step "Employer natures (单位性质)" codes employer_nature --format table
step "A school from the national list" school show 10001 --format table
step "A school by its former name" school show 武汉职业技术学院 --format table
step "Add a school missing from the list" school add --code 99001 --name 示例职业学院 \
  --level 专科 --province 北京市 --city 北京市 --authority 北京市教委
step "Check the database" db check --format table

printf '\nThe demo database is %s\n' "$NCSSCTL_DB"
