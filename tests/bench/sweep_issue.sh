#!/usr/bin/env bash
# The signing lifecycle benchmarks: the expiry sweep and issuing invitations (README.md in this
# directory says what each number means).
#
# Usage: tests/bench/sweep_issue.sh [N]      N invitations for the sweep, default 1000000
#                                            (a multiple of 10; 10 % of them are overdue)
# Environment:
#   BUILD=DIR   the build directory holding ncssctl (default ./build); this script builds nothing
#   RUNS=n      time the sweep and its floor n times on fresh copies and take the medians
#               (default 1)
#   ISSUE_N=m   favourite graduates for the issue benchmark (default 100000, or N when smaller);
#               0 skips it
#   KEEP=1      keep the work directory (databases, outputs)
#
# Exits 0 when everything was measured, even if a target is missed (the table says MISSED);
# 2 when the build, sqlite3 or the generated data is missing.
set -euo pipefail

n=${1:-1000000}
if ! [[ $n =~ ^[1-9][0-9]*$ ]] || ((n % 10 != 0 || n > 10000000)); then
  echo "sweep_issue.sh: N must be a multiple of 10 from 10 to 10000000" >&2
  exit 2
fi
runs=${RUNS:-1}
if ! [[ $runs =~ ^[1-9][0-9]?$ ]]; then
  echo "sweep_issue.sh: RUNS must be a whole number from 1 to 99" >&2
  exit 2
fi
m=${ISSUE_N:-$((n < 100000 ? n : 100000))}
if ! [[ $m =~ ^(0|[1-9][0-9]*)$ ]] || ((m > 1000000)); then
  echo "sweep_issue.sh: ISSUE_N must be a whole number from 0 to 1000000" >&2
  exit 2
fi
build=${BUILD:-./build}
ncssctl="$build/ncssctl"
if [[ ! -x $ncssctl ]]; then
  echo "sweep_issue.sh: $ncssctl is missing; build first: cmake --build $build" >&2
  exit 2
fi

bench=sweep_issue.sh
# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# graduates_sql COUNT: COUNT valid graduates of the 2026 cohort, ids 1..COUNT, with unique ID
# numbers (correct check characters, the sex digit matching 性别), schools 10001..10010.
graduates_sql() {
  cat <<SQL
INSERT INTO graduates (id, id_number, cohort, name, school_code, degree_level, major,
                       training_mode, gender, created_at, updated_at)
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1),
base AS (
  SELECT i, substr('110108110105310115440305510107', (i % 5) * 6 + 1, 6) ||
            strftime('%Y%m%d', julianday('2001-01-01') + i / 1000) ||
            printf('%03d', i % 1000) AS f17 FROM seq)
SELECT i, f17 || $id_check, 2026,
       substr('王李张刘陈杨黄赵吴周', i % 10 + 1, 1) ||
         substr('浩子宇博俊雨欣诗梦佳', (i / 10) % 10 + 1, 1) ||
         substr('然轩航文杰涵琪瑶慧怡', (i / 100) % 10 + 1, 1),
       printf('%05d', 10001 + i % 10), '31', '计算机科学与技术', '非定向',
       CASE WHEN i % 2 = 1 THEN '男' ELSE '女' END,
       '2026-03-01T02:00:00Z', '2026-03-01T02:00:00Z'
FROM base;
SQL
}

# ---------------------------------------------------------------------------------------------
# (a) The sweep: N invitations awaiting the graduate, every tenth (10 %) past its deadline at
# $now, each with the history `invite issue` writes (an event and the graduate's notification,
# already sent). A graduate has up to four invitations, from four different employers that have
# the graduate in their favourites.
now=2026-06-01T00:00:00Z
employers=1000
graduates=$(((n + 3) / 4))
expect=$((n / 10))

echo "signing lifecycle benchmark: sweep over $n invitations ($expect overdue), ncssctl from $build"
db="$work/sweep.db"
init_db "$db"
t0=$(date +%s%N)
fill "$db" "$(employers_sql $employers)" "$(graduates_sql $graduates)" "$(
  cat <<SQL
CREATE TEMP TABLE plan AS
WITH RECURSIVE seq(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seq WHERE k < $n),
p AS (SELECT k, (k - 1) % $graduates + 1 AS g, (k - 1) / $graduates AS j, 1 + k % 30 AS days,
             k * 7919 AS jitter, unixepoch('$now') AS now_s FROM seq)
SELECT k, g, (SELECT credit_code FROM employers WHERE rowid = (g * 7 + j) % $employers + 1) AS e,
       days,
       CASE WHEN k % 10 = 0 THEN now_s - days * 86400 - 1 - jitter % 864000
            ELSE now_s - 1 - jitter % (days * 86400 - 1) END AS issued_s
FROM p;
INSERT INTO favorites (credit_code, graduate_id, cohort, created_at, created_by)
SELECT e, g, 2026, '2026-03-02T02:00:00Z', 'bench' FROM plan ORDER BY k;
INSERT INTO invitations (id, employer_code, graduate_id, job_category, position, work_location,
                         contact, contact_phone, valid_days, issued_at, deadline, updated_at)
SELECT k, e, g, '13', '软件研发工程师', '北京市海淀区', '王老师', '010-62751234', days,
       strftime('%Y-%m-%dT%H:%M:%SZ', issued_s, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', issued_s + days * 86400, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', issued_s, 'unixepoch')
FROM plan ORDER BY k;
CREATE TEMP TABLE first_event AS SELECT coalesce(max(id), 0) AS base FROM events;
INSERT INTO events (id, at, actor, action, subject_type, subject_id, details)
SELECT base + i.id, i.issued_at, 'bench', 'invitation.issued', 'invitation', CAST(i.id AS TEXT),
       json_object('from', '', 'to', 'awaiting_graduate', 'reason', '', 'note', '',
                   'employer_code', i.employer_code, 'id_number', g.id_number, 'cohort', 2026,
                   'deadline', i.deadline)
FROM invitations i JOIN graduates g ON g.id = i.graduate_id, first_event ORDER BY i.id;
INSERT INTO outbox (event_id, created_at, channel, recipient_type, recipient_id, template,
                    payload, status, attempts, sent_at)
SELECT base + i.id, i.issued_at, 'sms', 'graduate', g.id_number, 'invitation_received',
       json_object('invitation_id', i.id, 'employer_code', i.employer_code, 'graduate_name',
                   g.name, 'position', i.position, 'deadline', i.deadline),
       'sent', 1, i.issued_at
FROM invitations i JOIN graduates g ON g.id = i.graduate_id, first_event ORDER BY i.id;
SQL
)"
t1=$(date +%s%N)
events0=$(q "$db" "SELECT count(*) FROM events")
outbox0=$(q "$db" "SELECT count(*) FROM outbox")
overdue=$(q "$db" "SELECT count(*) FROM invitations WHERE state = 'awaiting_graduate' AND \
deadline < '$now'")
if [[ $overdue != "$expect" ]]; then
  echo "sweep_issue.sh: the generated database has $overdue overdue invitations, not $expect" >&2
  exit 2
fi
printf '  generated in %s s: %s employers, %s graduates, %s invitations, %s (%s events)\n' \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')" "$employers" \
  "$graduates" "$n" "$(du -h "$db" | cut -f1)" "$events0"

# check_sweep DB: what the sweep wrote, so that the benchmark never times a sweep that did
# nothing; says why and returns 1 when it is not exactly one event and two notifications for each
# of the overdue invitations, all of them expired.
check_sweep() {
  local s=$1 got_failed got_events new_events new_outbox got_pairs left
  got_failed=$(q "$s" "SELECT count(*) FROM invitations WHERE state = 'failed' AND \
fail_reason = 'expired' AND updated_at = '$now'")
  got_events=$(q "$s" "SELECT count(*) FROM events WHERE action = 'invitation.expire'")
  new_events=$(($(q "$s" "SELECT count(*) FROM events") - events0))
  new_outbox=$(($(q "$s" "SELECT count(*) FROM outbox") - outbox0))
  got_pairs=$(q "$s" "SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_id WHERE \
e.action = 'invitation.expire' AND o.template = 'invitation_expire'")
  left=$(q "$s" "SELECT count(*) FROM invitations WHERE state = 'awaiting_graduate' AND \
deadline < '$now'")
  checked="$got_failed/$new_events/$new_outbox"
  if [[ $got_failed == "$expect" && $got_events == "$expect" && $new_events == "$expect" &&
    $new_outbox == $((2 * expect)) && $got_pairs == $((2 * expect)) && $left == 0 ]]; then
    return 0
  fi
  note "the sweep wrote $got_failed expired invitations, $new_events events" \
    "($got_events invitation.expire), $new_outbox outbox rows ($got_pairs for them)," \
    "left $left overdue; expected $expect, $expect, $((2 * expect)), 0"
  return 1
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else \
printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Each run on two fresh copies of the generated database: the floor first, then ncssctl, each
# after `sync`, so that neither pays for writing back what came before it.
sweep_walls=() floor_walls=() sweep_ok=1 floor_ok=1 sweep_rss='' checked=''
for ((run = 1; run <= runs; run++)); do
  rm -f "$work"/sweep-*.db*
  cp "$db" "$work/sweep-ncssctl.db"
  cp "$db" "$work/sweep-sqlite3.db"
  sync
  measure sweep_floor sqlite3 "$work/sweep-sqlite3.db" "UPDATE invitations SET state = \
'failed', fail_reason = 'expired', updated_at = '$now' WHERE state = 'awaiting_graduate' AND \
deadline < '$now'"
  floor_run=FAILED
  if ((status == 0)); then
    floor_run=$wall
    floor_walls+=("$wall")
    floor_failed=$(q "$work/sweep-sqlite3.db" "SELECT count(*) FROM invitations WHERE \
state = 'failed'")
    [[ $floor_failed == "$expect" ]] || note "the floor's UPDATE failed $floor_failed, not $expect"
  else
    failed sweep_floor
    floor_ok=0
  fi
  sync
  measure sweep "$ncssctl" --db "$work/sweep-ncssctl.db" --now "$now" sweep --quiet
  sweep_run=FAILED
  if ((status == 0)); then
    sweep_run=$wall
    sweep_walls+=("$wall")
    if [[ -n $rss_kib ]] && ((rss_kib > ${sweep_rss:-0})); then sweep_rss=$rss_kib; fi
    check_sweep "$work/sweep-ncssctl.db" || sweep_ok=2
  else
    failed sweep
    sweep_ok=0
  fi
  ((runs == 1)) || printf '  run %d: ncssctl %s s, sqlite3 %s s\n' "$run" "$sweep_run" "$floor_run"
  ((sweep_ok == 1 && floor_ok == 1)) || break
done
[[ ${KEEP:-0} == 1 ]] || rm -f "$work"/sweep-*.db*
[[ ${KEEP:-0} == 1 ]] || rm -f "$db"

of_runs=''
((runs == 1)) || of_runs=", median of $runs"
if ((sweep_ok == 0)); then
  row "sweep: ncssctl sweep" "FAILED" "" "MISSED"
else
  sweep_wall=$(printf '%s\n' "${sweep_walls[@]}" | median)
  row "sweep: ncssctl sweep$of_runs" "$sweep_wall s" "" ""
fi
if ((floor_ok == 0)); then
  row "sweep: sqlite3 UPDATE (floor)" "FAILED" "" ""
else
  floor_wall=$(printf '%s\n' "${floor_walls[@]}" | median)
  row "sweep: sqlite3 UPDATE (floor)$of_runs" "$floor_wall s" "" ""
fi
if ((sweep_ok != 0 && floor_ok != 0)); then
  r=$(ratio "$sweep_wall" "$floor_wall")
  row "sweep: ncssctl / sqlite3" "$r" "<= 2" "$(verdict "$r" 2)"
fi
rss_row "sweep: ncssctl peak RSS" "${sweep_rss:-}"
if ((sweep_ok == 1)); then
  row "sweep: expired / events / outbox" "$expect/$expect/$((2 * expect))" "" "ok"
elif ((sweep_ok == 2)); then
  row "sweep: expired / events / outbox" "$checked" "$expect/$expect/$((2 * expect))" "MISSED"
fi

# ---------------------------------------------------------------------------------------------
# (b) Issuing: one verified employer with M favourite graduates of the 2026 cohort (M = 100,000,
# or N when N is smaller), then one `invite issue --all-favorites`.
if ((m > 0)); then
  employer=91110108749352307A
  db="$work/issue.db"
  init_db "$db"
  fill "$db" "$(graduates_sql "$m")" "$(
    cat <<SQL
INSERT INTO employers (credit_code, name, short_name, nature_code, industry_code, size_code,
                       province, city, street, verification, verified_at, created_at, updated_at)
VALUES ('$employer', '甲科技有限公司', '甲科技', '39', 'I', '3', '北京市', '北京市',
        '中关村大街1号', 'verified', '2026-02-01T02:00:00Z', '2026-02-01T01:00:00Z',
        '2026-02-01T02:00:00Z');
INSERT INTO favorites (credit_code, graduate_id, cohort, created_at, created_by)
SELECT '$employer', id, cohort, '2026-03-02T02:00:00Z', 'bench' FROM graduates ORDER BY id;
SQL
  )"
  measure issue "$ncssctl" --db "$db" --now 2026-05-20T09:00:00+08:00 invite issue \
    --employer "$employer" --all-favorites --cohort 2026 --job-category 13 \
    --position 软件研发工程师 --work-location 北京市海淀区 --contact 王老师 \
    --contact-phone 010-62751234 --valid-days 7 --quiet
  if ((status != 0)); then
    failed issue
    row "issue: ncssctl invite issue" "FAILED" "" "MISSED"
  else
    row "issue: ncssctl invite issue ($m)" "$wall s" "" ""
    rate=$(awk -v n="$m" -v t="$wall" 'BEGIN { printf "%.0f", (t > 0) ? n / t : 0 }')
    row "issue: invitations per second" "$rate /s" "" ""
    rss_row "issue: ncssctl peak RSS" "$rss_kib"
    issued=$(q "$db" "SELECT count(*) FROM invitations WHERE employer_code = '$employer' AND \
  state = 'awaiting_graduate'")
    issue_events=$(q "$db" "SELECT count(*) FROM events WHERE action = 'invitation.issued'")
    issue_outbox=$(q "$db" "SELECT count(*) FROM outbox WHERE template = 'invitation_received'")
    if [[ $issued == "$m" && $issue_events == "$m" && $issue_outbox == "$m" ]]; then
      row "issue: invitations / events / outbox" "$m/$m/$m" "" "ok"
    else
      note "invite issue wrote $issued invitations, $issue_events events, $issue_outbox outbox" \
        "rows; expected $m of each"
      row "issue: invitations / events / outbox" "$issued/$issue_events/$issue_outbox" \
        "$m/$m/$m" "MISSED"
    fi
  fi
fi

print_summary
exit 0
