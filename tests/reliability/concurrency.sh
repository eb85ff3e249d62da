#!/usr/bin/env bash
# Concurrency: runs on one database, at the same time, a sweep every second (as cron would,
# without waiting for the previous one; every fifth second two at once, so runs overlap for
# certain), roster imports, favourites and bulk
# invitations from two issuers, graduates' responses (two responders racing for the newest
# invitations) and school reviews (explicit batches and --all --school, racing too), for a set
# time; then checks:
#   - no command failed with a lock error (exit status 7, or "database is locked"/"busy" on
#     stderr) under the default busy timeout, and none failed in a way the workflow does not
#     allow (every exit status is one the command may give here);
#   - every transition has exactly one event: each invitation's events form one chain from
#     issue to its present state, no action twice, as many as its path has steps;
#   - no invitation was both accepted and expired; no graduate has two live signings;
#   - agreement numbers are unique;
#   - the final counts equal what the successful commands reported (graduates, favourites,
#     invitations per state, events per action);
#   - `ncssctl db check` passes.
#
# Usage: tests/reliability/concurrency.sh [SECONDS]   default 20 (the long run: 600)
# Environment:
#   BUILD=DIR  the build directory holding ncssctl and tests/bench/gen_roster (default ./build)
#   SEED=n     the workers' random choices (default: from the clock; printed)
#   CHUNK=n    graduates per imported roster file (default 100)
#   KEEP=1     keep the work directory (database, logs of failed commands)
#
# Time: each command acts at a virtual clock that runs 7200 times faster than the wall clock
# (two hours a second), so invitations issued for one day expire after 12 s and the sweeps find
# work. Exits 0 when every check passed, 1 when one failed, 2 when the build or a tool is missing.
set -euo pipefail

seconds=${1:-20}
if ! [[ $seconds =~ ^[1-9][0-9]{0,4}$ ]]; then
  echo "concurrency.sh: SECONDS must be a whole number from 1 to 99999" >&2
  exit 2
fi
chunk=${CHUNK:-100}
if ! [[ $chunk =~ ^[1-9][0-9]*$ ]] || ((chunk > 10000)); then
  echo "concurrency.sh: CHUNK must be a whole number from 1 to 10000" >&2
  exit 2
fi
seed=${SEED:-$(($(date +%s%N) / 1000 % 1000000))}
if ! [[ $seed =~ ^[0-9]+$ ]]; then
  echo "concurrency.sh: SEED must be a whole number" >&2
  exit 2
fi
build=${BUILD:-./build}
for tool in "$build/ncssctl" "$build/tests/bench/gen_roster"; do
  if [[ ! -x $tool ]]; then
    echo "concurrency.sh: $tool is missing; build first: cmake --build $build" >&2
    exit 2
  fi
done
if ! command -v sqlite3 >/dev/null; then
  echo "concurrency.sh: sqlite3 is missing (Debian package sqlite3)" >&2
  exit 2
fi
build=$(cd "$build" && pwd)
ncssctl="$build/ncssctl"

work=$(mktemp -d "${TMPDIR:-/tmp}/ncss-concurrency.XXXXXX")
cleanup() {
  local -a pids
  mapfile -t pids < <(jobs -p)
  ((${#pids[@]} == 0)) || kill "${pids[@]}" 2>/dev/null || true
  if [[ ${KEEP:-0} == 1 ]]; then
    echo "work directory: $work (kept)"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
die() {
  echo "concurrency.sh: $*" >&2
  exit 2
}

export TZ=UTC NCSSCTL_ACTOR=concurrency-test
unset NCSSCTL_DB NCSSCTL_NOW NCSSCTL_BUSY_TIMEOUT  # the default busy timeout is under test
db="$work/ncss.db"
logs="$work/logs"
ledger="$work/ledger"
mkdir -p "$logs"
: >"$ledger"
: >"$work/imported"

# ---------------------------------------------------------------------------------------------
# Set-up: roster files of CHUNK new graduates each (one a second at most is imported), the same
# graduates as favourites files (name, ID number, school), and two employers per file, one for
# each issuer, all verified.
chunks=$((seconds + 5))
echo "concurrency: $seconds s, seed $seed (SEED=$seed repeats the workers' choices), $chunk" \
  "graduates per import"
"$build/tests/bench/gen_roster" $((chunks * chunk)) "$work/all.csv" "$work/all.xlsx" >/dev/null ||
  die "gen_roster failed"
rm -f "$work/all.xlsx"
awk -F, -v dir="$work" -v n="$chunk" 'NR == 1 { header = $0; next }
  (NR - 2) % n == 0 {
    k = int((NR - 2) / n) + 1
    if (roster) { close(roster); close(fav) }
    roster = dir "/roster-" k ".csv"; fav = dir "/fav-" k ".csv"
    print header > roster; print "学生姓名,身份证号,毕业院校" > fav
  }
  { print > roster; print $1 "," $2 "," $3 > fav }' "$work/all.csv"
"$ncssctl" --db "$db" -q init >/dev/null || die "init failed"

# GB 32100 credit codes: 17 digits and the MOD 31 check character.
credit_check=""
weights=(1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28)
for k in "${!weights[@]}"; do
  credit_check+="${credit_check:+ + }CAST(substr(f17, $((k + 1)), 1) AS INTEGER) * ${weights[$k]}"
done
credit_check="substr('0123456789ABCDEFGHJKLMNPQRTUWXY', (31 - ($credit_check) % 31) % 31 + 1, 1)"
sqlite3 "$db" "PRAGMA foreign_keys = ON" "
INSERT INTO employers (credit_code, name, short_name, nature_code, industry_code, size_code,
                       province, city, street, verification, verified_at, created_at, updated_at)
WITH RECURSIVE seq(e) AS (SELECT 1 UNION ALL SELECT e + 1 FROM seq WHERE e < $((2 * chunks))),
base AS (SELECT e, '91110108' || printf('%09d', e) AS f17 FROM seq)
SELECT f17 || $credit_check, '并发测试单位' || e || '有限公司', '并发' || e, '39', 'I', '3',
       '北京市', '北京市', '中关村大街' || e || '号', 'verified', '2026-02-01T02:00:00Z',
       '2026-02-01T01:00:00Z', '2026-02-01T02:00:00Z'
FROM base ORDER BY e;" || die "adding the employers failed"
mapfile -t employers < <(sqlite3 "$db" "SELECT credit_code FROM employers ORDER BY rowid")
((${#employers[@]} == 2 * chunks)) || die "expected $((2 * chunks)) employers"

# ---------------------------------------------------------------------------------------------
# Running commands. Every result goes to the ledger, one line each: KIND STATUS VALUE [START END]
# (VALUE: what the command reported doing). A command's output is deleted once read, unless its
# exit status was not one allowed for it or it said something about locks: then it is kept and
# a FAIL line names it.
speed=7200
t0=$(date -u -d 2026-05-20T01:00:00Z +%s)
start_us=${EPOCHREALTIME/./}
end_us=$((start_us + seconds * 1000000))
running() { ((${EPOCHREALTIME/./} < end_us)); }

declare -A allowed=(
  [import]="0" [favorite]="0 4" [issue]="0 4" [list]="0" [accept]="0 5" [reject]="0 5"
  [approve]="0 5" [approve_all]="0" [school_reject]="0 5" [sweep]="0")
n_cmd=0
# run KIND ARGS...: ncssctl at the virtual now; sets rc and out (the file holding its stdout).
run() {
  local kind=$1 now err tag s ok=0
  shift
  n_cmd=$((n_cmd + 1))
  tag="$kind.$BASHPID.$n_cmd"
  out="$logs/$tag.out"
  err="$logs/$tag.err"
  printf -v now '%(%Y-%m-%dT%H:%M:%SZ)T' $((t0 + (${EPOCHREALTIME/./} - start_us) * speed / 1000000))
  rc=0
  "$ncssctl" --db "$db" --now "$now" "$@" >"$out" 2>"$err" || rc=$?
  for s in ${allowed[$kind]}; do [[ $rc == "$s" ]] && ok=1; done
  if ((rc == 7)) || grep -qiE 'database is locked|busy' "$err"; then
    printf 'FAIL %s %s lock: exit status %s: %s\n' "$kind" "$tag" "$rc" \
      "$(head -c 300 "$err" | tr '\n' ' ')" >>"$ledger"
  elif ((!ok)); then
    printf 'FAIL %s %s exit status %s: %s\n' "$kind" "$tag" "$rc" \
      "$(head -c 300 "$err" | tr '\n' ' ')" >>"$ledger"
  else
    rm -f "$err"
    return 0
  fi
  rc=-1  # failed: the caller records nothing
}
record() { printf '%s %s %s\n' "$@" >>"$ledger"; }
done_with() { rm -f "$out"; }
# csv_count FILE COLUMN VALUE: rows whose COLUMN (by header name) is VALUE.
csv_count() {
  awk -F, -v col="$2" -v want="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    c && $c == want { n++ } END { print n + 0 }' "$1"
}
# csv_value FILE COLUMN: COLUMN of the first row.
csv_value() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    NR == 2 && c { v = $c } END { print v + 0 }' "$1"
}
# csv_ids FILE: the first column of every row (invitation IDs).
csv_ids() { awk -F, 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1 }' "$1"; }
pick() {  # N WORDS...: N of the words at random (without repeats)
  local n=$1 i j tmp
  shift
  local -a w=("$@")
  for ((i = 0; i < n && i < ${#w[@]}; i++)); do
    j=$((i + RANDOM % (${#w[@]} - i)))
    tmp=${w[i]}
    w[i]=${w[j]}
    w[j]=$tmp
    printf '%s\n' "${w[i]}"
  done
}

importer() {
  local k
  for ((k = 1; k <= chunks; k++)); do
    running || break
    run import student import "$work/roster-$k.csv" --format csv
    if ((rc == 0)); then
      record import 0 "$(csv_value "$out" added)"
      echo "$k" >>"$work/imported"
    fi
    done_with
    sleep 1
  done
}

issuer() {  # I (1 or 2): favourites then one bulk issue per imported file, from its own employer
  local i=$1 k=1 file employer
  while running; do
    file=$(sed -n "${k}p" "$work/imported")
    if [[ -z $file ]]; then
      sleep 0.2
      continue
    fi
    employer=${employers[$((2 * (file - 1) + i - 1))]}
    run favorite favorite import --employer "$employer" "$work/fav-$file.csv" --format csv
    if ((rc == 0 || rc == 4)); then record favorite "$rc" "$(csv_value "$out" added)"; fi
    done_with
    run issue invite issue --employer "$employer" --all-favorites --cohort 2026 \
      --job-category 13 --position 软件研发工程师 --work-location 北京市海淀区 \
      --contact 王老师 --contact-phone 010-62751234 --valid-days 1 --format csv
    if ((rc == 0 || rc == 4)); then record issue "$rc" "$(csv_count "$out" result issued)"; fi
    done_with
    k=$((k + 1))
  done
}

responder() {  # the newest invitations, so that the two responders race for the same ones
  local id ids
  RANDOM=$((seed + 10 + $1))
  while running; do
    run list invite list --state awaiting_graduate --format csv
    mapfile -t ids < <(csv_ids "$out" | tail -n 30)
    done_with
    if ((${#ids[@]} == 0)); then
      sleep 0.2
      continue
    fi
    for id in $(pick 5 "${ids[@]}"); do
      if ((RANDOM % 4 == 0)); then
        run reject invite respond "$id" --reject --format csv
        if ((rc >= 0)); then record reject "$rc" "$id"; fi
      else
        run accept invite respond "$id" --accept --format csv
        if ((rc >= 0)); then record accept "$rc" "$id"; fi
      fi
      done_with
    done
  done
}

reviewer() {  # batches of explicit IDs, and now and then a rejection
  local ids n
  RANDOM=$((seed + 20))
  while running; do
    run list review list --format csv
    mapfile -t ids < <(csv_ids "$out")
    done_with
    if ((${#ids[@]} == 0)); then
      sleep 0.3
      continue
    fi
    if ((RANDOM % 4 == 0)); then
      run school_reject review reject "$(pick 1 "${ids[@]}")" --reason 岗位信息与实际不符
      if ((rc >= 0)); then record school_reject "$rc" 1; fi
      done_with
    fi
    mapfile -t ids < <(pick 10 "${ids[@]}")
    run approve review approve "${ids[@]}" --format csv
    if ((rc == 0)); then
      n=$(csv_ids "$out" | wc -l)
      record approve 0 "$n"
    elif ((rc == 5)); then
      record approve 5 0  # one was decided meanwhile: the whole batch is refused
    fi
    done_with
    sleep 0.3
  done
}

school_reviewer() {  # --all --school, racing the explicit batches
  RANDOM=$((seed + 30))
  while running; do
    run approve_all review approve --all --school $((10001 + RANDOM % 10)) --format csv
    if ((rc == 0)); then record approve_all 0 "$(csv_ids "$out" | wc -l)"; fi
    done_with
    sleep 0.5
  done
}

sweep_once() {
  local t_start=${EPOCHREALTIME/./}
  run sweep sweep --format json
  if ((rc == 0)); then
    printf 'sweep 0 %s %s %s\n' "$(sed -n 's/.*"expired":\([0-9]*\).*/\1/p' "$out")" \
      "$t_start" "${EPOCHREALTIME/./}" >>"$ledger"
  fi
  done_with
}

sweeper() {  # a sweep every second, never waiting for the previous one
  local next=$start_us tick=0
  while running; do
    sweep_once &
    # Every fifth second a second one at the same moment: a run that overlaps for certain.
    if ((++tick % 5 == 0)); then sweep_once & fi
    next=$((next + 1000000))
    local left=$((next - ${EPOCHREALTIME/./}))
    ((left <= 0)) || sleep "$(printf '%d.%06d' $((left / 1000000)) $((left % 1000000)))"
  done
  wait
}

# Each worker says when it ends; one that stops on an error of its own does not.
workers=(importer "issuer 1" "issuer 2" "responder 1" "responder 2" reviewer school_reviewer
  sweeper)
for w in "${workers[@]}"; do
  # shellcheck disable=SC2086  # a function and its argument
  { $w && echo "ended $w" >>"$ledger"; } &
done
wait
elapsed=$(((${EPOCHREALTIME/./} - start_us) / 1000))

# ---------------------------------------------------------------------------------------------
# The checks.
failures=0
fail() {
  echo "  FAIL: $*"
  failures=$((failures + 1))
}
sum() { awk -v k="$1" -v s="${2:-}" '$1 == k && (s == "" || $2 == s) { n += $3 } END { print n + 0 }' "$ledger"; }
tally() { awk -v k="$1" -v s="${2:-}" '$1 == k && (s == "" || $2 == s) { n++ } END { print n + 0 }' "$ledger"; }
q() { sqlite3 "$db" "$1"; }

commands=$(find "$logs" -name '*.out' | wc -l)
echo "  ran for $((elapsed / 1000)).$((elapsed % 1000 / 100)) s:" \
  "$(tally import) imports, $(tally favorite) favourite imports, $(tally issue) bulk issues," \
  "$(tally accept) accepts, $(tally reject) rejections, $(tally approve) approval batches," \
  "$(tally approve_all) approvals of a school, $(tally school_reject) school rejections," \
  "$(tally sweep) sweeps"
overlaps=$(awk '$1 == "sweep" { print $4, $5 }' "$ledger" | sort -n |
  awk '{ if (NR > 1 && $1 < end) n++; if ($2 > end) end = $2 } END { print n + 0 }')
echo "  sweeps that started while another was running: $overlaps"
[[ $commands == 0 ]] || fail "$commands command output(s) left behind (a worker stopped early)"
ended=$(grep -c '^ended ' "$ledger" || true)
((ended == ${#workers[@]})) || fail "only $ended of ${#workers[@]} workers ended normally"

if grep -q '^FAIL' "$ledger"; then
  locks=$(grep -c '^FAIL .* lock:' "$ledger" || true)
  ((locks == 0)) || fail "$locks command(s) failed with a lock error"
  others=$(grep '^FAIL' "$ledger" | grep -vc ' lock:' || true)
  ((others == 0)) || fail "$others command(s) exited with a status not allowed for them"
  grep '^FAIL' "$ledger" | head -n 20 | sed 's/^/    /'
  KEEP=1
fi
((failures > 0)) || echo "  no lock errors: every command exited with a status allowed for it"

if ! "$ncssctl" --db "$db" db check >"$work/check.out" 2>&1; then
  fail "db check: $(tr '\n' ' ' <"$work/check.out")"
fi

# What the successful commands reported, against what the database holds.
issued=$(sum issue)
accepted=$(tally accept 0)
rejected=$(tally reject 0)
approved=$(($(sum approve 0) + $(sum approve_all 0)))
school_rejected=$(tally school_reject 0)
expired=$(sum sweep 0)
expect() {  # WHAT REPORTED ACTUAL
  if [[ $2 != "$3" ]]; then fail "$1: the commands reported $2, the database holds $3"; fi
}
expect "graduates (imports' added)" "$(sum import)" "$(q "SELECT count(*) FROM graduates")"
expect "favourites (favorite imports' added)" "$(sum favorite)" \
  "$(q "SELECT count(*) FROM favorites")"
expect "invitations (issued)" "$issued" "$(q "SELECT count(*) FROM invitations")"
expect "awaiting the graduate (issued - answered - expired)" \
  $((issued - accepted - rejected - expired)) \
  "$(q "SELECT count(*) FROM invitations WHERE state = 'awaiting_graduate'")"
expect "awaiting review (accepted - decided)" $((accepted - approved - school_rejected)) \
  "$(q "SELECT count(*) FROM invitations WHERE state = 'awaiting_review'")"
expect "signed (approved)" "$approved" "$(q "SELECT count(*) FROM invitations WHERE state = 'signed'")"
expect "rejected by the graduate" "$rejected" \
  "$(q "SELECT count(*) FROM invitations WHERE fail_reason = 'graduate_rejected'")"
expect "rejected by the school" "$school_rejected" \
  "$(q "SELECT count(*) FROM invitations WHERE fail_reason = 'school_rejected'")"
expect "expired (swept)" "$expired" "$(q "SELECT count(*) FROM invitations WHERE fail_reason = 'expired'")"
expect "other states" 0 "$(q "SELECT count(*) FROM invitations WHERE state NOT IN
  ('awaiting_graduate', 'awaiting_review', 'signed') AND coalesce(fail_reason, '') NOT IN
  ('graduate_rejected', 'school_rejected', 'expired')")"
for pair in issued:"$issued" accept:"$accepted" reject:"$rejected" approve:"$approved" \
  school_reject:"$school_rejected" expire:"$expired"; do
  expect "invitation.${pair%%:*} events" "${pair#*:}" \
    "$(q "SELECT count(*) FROM events WHERE action = 'invitation.${pair%%:*}'")"
done
expect "roster.import events" "$(tally import 0)" \
  "$(q "SELECT count(*) FROM events WHERE action = 'roster.import'")"

# Exactly one event per transition: each invitation's events, in order, chain from '' to its
# state, with no action twice and as many events as its path has steps.
expect "events out of chain (from ≠ the previous event's to)" 0 "$(q "
  SELECT count(*) FROM (SELECT json_extract(details, '\$.from') AS f,
    lag(json_extract(details, '\$.to'), 1, '') OVER (PARTITION BY subject_id ORDER BY id) AS prev
    FROM events WHERE subject_type = 'invitation') WHERE f IS NOT prev")"
expect "invitations whose last event is not their state" 0 "$(q "
  SELECT count(*) FROM invitations i JOIN (SELECT CAST(subject_id AS INTEGER) AS id, max(id) AS
    last FROM events WHERE subject_type = 'invitation' GROUP BY subject_id) l ON l.id = i.id
  JOIN events e ON e.id = l.last WHERE json_extract(e.details, '\$.to') IS NOT i.state")"
expect "invitations with an action twice" 0 "$(q "
  SELECT count(*) FROM (SELECT 1 FROM events WHERE subject_type = 'invitation'
    GROUP BY subject_id, action HAVING count(*) > 1)")"
expect "invitations with more or fewer events than transitions" 0 "$(q "
  SELECT count(*) FROM invitations i LEFT JOIN (SELECT CAST(subject_id AS INTEGER) AS id,
    count(*) AS n FROM events WHERE subject_type = 'invitation' GROUP BY subject_id) e USING (id)
  WHERE coalesce(e.n, 0) != CASE
    WHEN i.state = 'awaiting_graduate' THEN 1 WHEN i.state = 'awaiting_review' THEN 2
    WHEN i.state = 'signed' THEN 3 WHEN i.fail_reason IN ('expired', 'graduate_rejected') THEN 2
    WHEN i.fail_reason = 'school_rejected' THEN 3 ELSE -1 END")"
expect "events of invitations that do not exist" 0 "$(q "
  SELECT count(*) FROM events e WHERE subject_type = 'invitation' AND NOT EXISTS
    (SELECT 1 FROM invitations i WHERE i.id = CAST(e.subject_id AS INTEGER))")"
expect "invitations both accepted and expired" 0 "$(q "
  SELECT count(*) FROM (SELECT subject_id FROM events WHERE subject_type = 'invitation' AND
    action IN ('invitation.accept', 'invitation.expire') GROUP BY subject_id
    HAVING count(DISTINCT action) = 2)")"
expect "graduates with two live signings" 0 "$(q "
  SELECT count(*) FROM (SELECT graduate_id FROM invitations WHERE state IN ('awaiting_review',
    'signed') GROUP BY graduate_id HAVING count(*) > 1)")"
expect "agreement numbers (one per signing, unique)" "$approved/$approved" "$(q "
  SELECT count(agreement_no) || '/' || count(DISTINCT agreement_no) FROM invitations")"

echo "  final: $(q "SELECT count(*) FROM graduates") graduates, $issued invitations" \
  "($accepted accepted, $rejected rejected, $approved signed, $school_rejected refused by the" \
  "school, $expired expired), $(q "SELECT count(*) FROM events") events," \
  "$(q "SELECT count(*) FROM outbox") notifications, $(du -h "$db" | cut -f1)"
if ((failures > 0)); then
  KEEP=1
  echo "FAILED: $failures check(s) (seed $seed)"
  exit 1
fi
echo "concurrency: passed ($seconds s, seed $seed)"
