#!/usr/bin/env bash
# The national-scale run (issue 9): a whole country's cohort in one database. Not part of the
# default tests; README "Performance" records its results.
#
# Usage: tests/bench/national.sh [GRADUATES [INVITATIONS]]
#          default 12,700,000 graduates (the 2026 cohort) and 2,000,000 invitations
# Environment:
#   BUILD=DIR        the build directory holding ncssctl (default ./build); nothing is built
#   EMPLOYERS=n      employers issuing the invitations (default 20), each one bulk issue
#   WORK_PARENT=DIR  where the work directory goes (default $TMPDIR or /tmp; needs ~15 GB)
#   KEEP=1           keep the work directory
#
# Steps, each measured for wall time, peak RSS and the database's size after it:
#   1. generate the roster CSV: GRADUATES graduates spread over every school of the national
#      list (round robin), valid ID numbers, 学历层次 mixed (not measured: input preparation)
#   2. ncssctl student import of that CSV: one transaction
#   3. EMPLOYERS verified employers, each with INVITATIONS / EMPLOYERS favourite graduates (SQL:
#      input preparation), then one `invite issue --all-favorites` per employer
#   4. one school's graduates accept (SQL, as `invite respond --accept` would leave them), then
#      `review approve --all --school` of that school's batch
#   5. `sweep` after every deadline: every other invitation expires, in one transaction
# then EXPLAIN QUERY PLAN of the hot queries on the final database.
set -euo pipefail

bench=national.sh
n=${1:-12700000}
m=${2:-2000000}
employers=${EMPLOYERS:-20}
if ! [[ $n =~ ^[1-9][0-9]*$ && $m =~ ^[1-9][0-9]*$ && $employers =~ ^[1-9][0-9]*$ ]] ||
  ((m > n || n > 50000000)); then
  echo "$bench: GRADUATES (at most 50,000,000) and INVITATIONS (at most GRADUATES) are counts" >&2
  exit 2
fi
build=${BUILD:-./build}
ncssctl="$build/ncssctl"
if [[ ! -x $ncssctl ]]; then
  echo "$bench: $ncssctl is missing; build first: cmake --build $build" >&2
  exit 2
fi
# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

db="$work/national.db"
size_of() {  # the database with its WAL, in MiB
  local total=0 f
  for f in "$db" "$db-wal"; do [[ -e $f ]] && total=$((total + $(stat -c %s "$f"))); done
  awk -v b="$total" 'BEGIN { printf "%.0f MiB", b / 1048576 }'
}
step_rows() {  # LABEL: the rows of a measured step
  if ((status != 0)); then
    failed "$1"
    row "$1" "FAILED ($status)" "" "MISSED"
    print_results
    exit 1
  fi
  row "$1: time" "$wall s" "" ""
  rss_row "$1: peak RSS" "$rss_kib"
  row "$1: database after" "$(size_of)" "" ""
}

echo "national-scale run: $n graduates, $m invitations from $employers employers ($ncssctl)"
init_db "$db"
schools=$(q "$db" "SELECT count(*) FROM schools")

# 1. The roster. ID numbers: five real area codes, birth dates from 1998-01-01 on, a 3-digit
# sequence, the GB 11643 check character; unique by construction.
echo "  generating the roster ($schools schools)..." >&2
t0=$(date +%s)
sqlite3 "$db" ".mode csv" ".headers on" \
  "CREATE TEMP TABLE s (k INTEGER PRIMARY KEY, name TEXT NOT NULL)" \
  "INSERT INTO s SELECT row_number() OVER (ORDER BY code) - 1, name FROM schools" \
  ".once $work/roster.csv" "$(
    cat <<SQL
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < $n - 1),
base AS (
  SELECT i, substr('110108110105310115440305510107', (i % 5) * 6 + 1, 6) ||
            strftime('%Y%m%d', julianday('1998-01-01') + (i / 5) / 1000) ||
            printf('%03d', (i / 5) % 1000) AS f17 FROM seq)
SELECT substr('王李张刘陈杨黄赵吴周', i % 10 + 1, 1) ||
         substr('浩子宇博俊雨欣诗梦佳', (i / 10) % 10 + 1, 1) ||
         substr('然轩航文杰涵琪瑶慧怡', (i / 100) % 10 + 1, 1) AS 学生姓名,
       f17 || $id_check AS 身份证号,
       s.name AS 毕业院校,
       CASE i % 10 WHEN 0 THEN '专科' WHEN 1 THEN '硕士' WHEN 2 THEN '博士' ELSE '本科' END
         AS 学历层次,
       '计算机科学与技术' AS 专业,
       2026 AS 届别
FROM base JOIN s ON s.k = i % $schools;
SQL
  )"
echo "  roster: $(($(wc -l <"$work/roster.csv") - 1)) rows, $(du -m "$work/roster.csv" | cut -f1) MiB, generated in $(($(date +%s) - t0)) s" >&2

# 2. Import.
measure import "$ncssctl" --db "$db" --now 2026-03-01T10:00:00+08:00 student import \
  "$work/roster.csv" --quiet
step_rows import
row "import: graduates per second" \
  "$(awk -v n="$n" -v t="$wall" 'BEGIN { printf "%.0f /s", (t > 0) ? n / t : 0 }')" "" ""
stored=$(q "$db" "SELECT count(*) FROM graduates")
row "import: graduates stored" "$stored" "$n" "$([[ $stored == "$n" ]] && echo ok || echo MISSED)"

# 3. Employers and their favourites (graduates 1..m, round robin), then one bulk issue each.
fill "$db" "$(employers_sql "$employers")" "$(
  cat <<SQL
CREATE TEMP TABLE e AS SELECT row_number() OVER (ORDER BY credit_code) - 1 AS k, credit_code
  FROM employers;
INSERT INTO favorites (credit_code, graduate_id, cohort, created_at, created_by)
SELECT e.credit_code, g.id, g.cohort, '2026-03-02T02:00:00Z', 'bench'
FROM graduates g JOIN e ON e.k = g.id % $employers WHERE g.id <= $m ORDER BY g.id;
SQL
)"
issue_total=0
issue_rss=0
for code in $(q "$db" "SELECT credit_code FROM employers ORDER BY credit_code"); do
  measure issue "$ncssctl" --db "$db" --now 2026-05-20T09:00:00+08:00 invite issue \
    --employer "$code" --all-favorites --cohort 2026 --job-category 13 \
    --position 软件研发工程师 --work-location 北京市海淀区 --contact 王老师 \
    --contact-phone 010-62751234 --valid-days 7 --quiet
  if ((status != 0)); then
    step_rows issue
  fi
  issue_total=$(awk -v a="$issue_total" -v b="$wall" 'BEGIN { printf "%.3f", a + b }')
  if [[ -n $rss_kib ]] && ((rss_kib > issue_rss)); then issue_rss=$rss_kib; fi
done
wall=$issue_total
rss_kib=$issue_rss
step_rows "issue ($employers bulk issues)"
issued=$(q "$db" "SELECT count(*) FROM invitations WHERE state = 'awaiting_graduate'")
row "issue: invitations per second" \
  "$(awk -v n="$issued" -v t="$wall" 'BEGIN { printf "%.0f /s", (t > 0) ? n / t : 0 }')" "" ""
row "issue: invitations awaiting the graduate" "$issued" "$m" \
  "$([[ $issued == "$m" ]] && echo ok || echo MISSED)"

# 4. One school's batch: the school with the most invitations accepts them all.
school=$(q "$db" "SELECT g.school_code FROM invitations i JOIN graduates g ON g.id = i.graduate_id \
  GROUP BY g.school_code ORDER BY count(*) DESC, g.school_code LIMIT 1")
fill "$db" "UPDATE invitations SET state = 'awaiting_review', responded_at = \
  '2026-05-21T02:00:00Z', updated_at = '2026-05-21T02:00:00Z' WHERE graduate_id IN \
  (SELECT id FROM graduates WHERE school_code = '$school');"
batch=$(q "$db" "SELECT count(*) FROM invitations WHERE state = 'awaiting_review'")
measure review "$ncssctl" --db "$db" --now 2026-05-22T09:00:00+08:00 review approve --all \
  --school "$school" --quiet
step_rows "review ($batch of school $school)"
approved=$(q "$db" "SELECT count(*) FROM invitations WHERE state = 'signed'")
row "review: agreements signed" "$approved" "$batch" \
  "$([[ $approved == "$batch" ]] && echo ok || echo MISSED)"

# 5. The sweep after every deadline.
measure sweep "$ncssctl" --db "$db" --now 2026-06-30T09:00:00+08:00 sweep --quiet
step_rows sweep
expired=$(q "$db" "SELECT count(*) FROM invitations WHERE state = 'failed'")
row "sweep: invitations expired" "$expired" "$((m - batch))" \
  "$([[ $expired == "$((m - batch))" ]] && echo ok || echo MISSED)"

print_results

# The hot queries' plans, as the code runs them (with parameters bound to real values).
explain() {
  printf '\n%s\n' "$1"
  sqlite3 "$db" "EXPLAIN QUERY PLAN $2" | sed 's/^/  /'
}
id_number=$(q "$db" "SELECT id_number FROM graduates WHERE id = 1")
echo
echo "EXPLAIN QUERY PLAN of the hot queries on the final database:"
explain "import: the graduate of an ID number and cohort (core/src/roster.cpp)" \
  "SELECT id FROM graduates WHERE id_number = '$id_number' AND cohort = 2026"
explain "issue: an open invitation from the same employer (core/src/invitation.cpp)" \
  "SELECT id FROM invitations INDEXED BY invitations_graduate WHERE employer_code = 'x' AND \
graduate_id = 1 AND state IN ('awaiting_graduate', 'awaiting_review')"
explain "issue: the employer's favourites of the cohort" \
  "SELECT graduate_id FROM favorites WHERE credit_code = 'x' AND cohort = 2026 AND status = 'valid'"
explain "review --all --school: the batch (core/src/review.cpp)" \
  "SELECT i.id FROM invitations i JOIN graduates g ON g.id = i.graduate_id WHERE i.state = \
'awaiting_review' AND ('$school' = '' OR g.school_code = '$school') ORDER BY i.responded_at, i.id"
explain "sweep: the overdue invitations (core/src/sweep.cpp)" \
  "SELECT id FROM invitations INDEXED BY invitations_overdue WHERE state = 'awaiting_graduate' \
AND deadline < '2026-06-30T01:00:00Z' ORDER BY deadline, id"
explain "sweep: the update of the same set" \
  "UPDATE OR FAIL invitations SET state = 'failed', fail_reason = 'expired' WHERE state = \
'awaiting_graduate' AND deadline < '2026-06-30T01:00:00Z'"
