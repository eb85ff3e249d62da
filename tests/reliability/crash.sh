#!/usr/bin/env bash
# Crash safety: starts ncssctl doing a large import, a bulk issue, a batch review and a sweep,
# kills it with SIGKILL at a random moment within the command's measured duration, and checks
# that `ncssctl db check` passes and that the database holds everything the command would write
# or nothing of it.
#
# Usage: tests/reliability/crash.sh [KILLS]     KILLS per command, default 10 (the long run: 100)
# Environment:
#   BUILD=DIR  the build directory holding ncssctl and tests/bench/gen_roster (default ./build);
#              this script builds nothing
#   SEED=n     the seed of the kill delays (default: from the clock; printed, so a run repeats)
#   ROWS=n     graduates already in the database (default 10000); the import adds 3 × ROWS
#   KEEP=1     keep the work directory
#
# "Everything or nothing" is exact: after each kill, the whole database (`sqlite3 .dump`) must be
# identical to the database before the command or to the one an uninterrupted run of the same
# command (same clock, actor and paths) left on a copy of the same starting database.
#
# Exits 0 when every kill left a consistent database, 1 when one did not (the database is kept
# and named), 2 when the build or a tool is missing.
set -euo pipefail

kills=${1:-10}
if ! [[ $kills =~ ^[1-9][0-9]{0,3}$ ]]; then
  echo "crash.sh: KILLS must be a whole number from 1 to 9999" >&2
  exit 2
fi
rows=${ROWS:-10000}
if ! [[ $rows =~ ^[1-9][0-9]*$ ]] || ((rows < 100 || rows > 250000)); then
  echo "crash.sh: ROWS must be a whole number from 100 to 250000" >&2
  exit 2
fi
seed=${SEED:-$(($(date +%s%N) / 1000 % 1000000))}
if ! [[ $seed =~ ^[0-9]+$ ]]; then
  echo "crash.sh: SEED must be a whole number" >&2
  exit 2
fi
build=${BUILD:-./build}
ncssctl="$build/ncssctl"
gen_roster="$build/tests/bench/gen_roster"
for tool in "$ncssctl" "$gen_roster"; do
  if [[ ! -x $tool ]]; then
    echo "crash.sh: $tool is missing; build first: cmake --build $build" >&2
    exit 2
  fi
done
for tool in sqlite3 sha256sum; do
  if ! command -v "$tool" >/dev/null; then
    echo "crash.sh: $tool is missing (Debian packages sqlite3, coreutils)" >&2
    exit 2
  fi
done
build=$(cd "$build" && pwd)
ncssctl="$build/ncssctl"
gen_roster="$build/tests/bench/gen_roster"

work=$(mktemp -d "${TMPDIR:-/tmp}/ncss-crash.XXXXXX")
child=''
cleanup() {
  if [[ -n $child ]]; then kill -KILL "$child" 2>/dev/null || true; fi
  if [[ ${KEEP:-0} == 1 ]]; then
    echo "work directory: $work (kept)"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# Every command acts at the same time as the same actor, so that runs are comparable byte for byte.
export NCSSCTL_ACTOR=crash-test NCSSCTL_NOW=2026-05-20T09:00:00+08:00
unset NCSSCTL_DB NCSSCTL_BUSY_TIMEOUT
A=91110108749352307A  # issues in bulk during the test
B=91370214MA3D2M2T5C  # invited everyone ten days earlier: school 10001 accepted, the rest overdue

die() {
  echo "crash.sh: $*" >&2
  exit 2
}
ms_now() { echo $(($(date +%s%N) / 1000000)); }

# counts DB: a one-line summary of what the commands write, for messages.
counts() {
  sqlite3 "$1" "SELECT 'graduates ' || (SELECT count(*) FROM graduates) || ', imports ' ||
    (SELECT count(*) FROM imports) || ', invitations ' || (SELECT count(*) FROM invitations) ||
    ' (' || (SELECT group_concat(state || ' ' || n, ', ') FROM (SELECT state, count(*) AS n
    FROM invitations GROUP BY state ORDER BY state)) || '), agreement numbers ' ||
    (SELECT count(agreement_no) FROM invitations) || ', events ' ||
    (SELECT count(*) FROM events) || ', outbox ' || (SELECT count(*) FROM outbox)"
}
# fingerprint DB: the whole logical content.
fingerprint() { sqlite3 "$1" .dump | sha256sum | cut -d' ' -f1; }

# ---------------------------------------------------------------------------------------------
# The starting database: ROWS graduates imported by ncssctl; employers A and B verified with every
# graduate in their favourites; B's invitations issued on 05-10 for 7 days, those of school 10001
# accepted on 05-12 (awaiting review), the others overdue at the test's time, 05-20.
echo "crash safety: $kills kills per command, seed $seed (SEED=$seed repeats the delays)," \
  "$rows graduates + $((3 * rows)) imported"
cd "$work"
"$gen_roster" $((4 * rows)) all.csv all.xlsx >/dev/null || die "gen_roster failed"
rm -f all.xlsx
head -n $((rows + 1)) all.csv >base.csv
{ head -n 1 all.csv && tail -n +$((rows + 2)) all.csv; } >import.csv
base="$work/base.db"
"$ncssctl" --db "$base" -q init >/dev/null || die "init failed"
"$ncssctl" --db "$base" -q student import base.csv --format csv >/dev/null ||
  die "importing the starting roster failed"
sqlite3 "$base" "
INSERT INTO employers (credit_code, name, short_name, nature_code, industry_code, size_code,
                       province, city, street, verification, verified_at, created_at, updated_at)
VALUES ('$A', '甲科技有限公司', '甲科技', '39', 'I', '3', '北京市', '北京市', '中关村大街1号',
        'verified', '2026-02-01T02:00:00Z', '2026-02-01T01:00:00Z', '2026-02-01T02:00:00Z'),
       ('$B', '乙制造有限公司', '乙制造', '39', 'C', '3', '山东省', '青岛市', '崂山区海尔路1号',
        'verified', '2026-02-01T02:00:00Z', '2026-02-01T01:00:00Z', '2026-02-01T02:00:00Z');
INSERT INTO favorites (credit_code, graduate_id, cohort, created_at, created_by)
SELECT e.credit_code, g.id, g.cohort, '2026-03-02T02:00:00Z', 'crash-test'
FROM employers e CROSS JOIN graduates g ORDER BY e.credit_code, g.id;" ||
  die "adding employers and favourites failed"
rc=0
"$ncssctl" --db "$base" -q --now 2026-05-10T09:00:00+08:00 invite issue --employer "$B" \
  --all-favorites --cohort 2026 --job-category 13 --position 工艺工程师 --contact 李经理 \
  --valid-days 7 --format csv >/dev/null 2>&1 || rc=$?
((rc == 0 || rc == 4)) || die "B's invitations could not be issued (exit status $rc)"
sqlite3 "$base" "
BEGIN;
INSERT INTO events (at, actor, action, subject_type, subject_id, reason, details)
SELECT '2026-05-12T01:00:00Z', 'crash-test', 'invitation.accept', 'invitation',
       CAST(i.id AS TEXT), '', json_object('from', 'awaiting_graduate', 'to', 'awaiting_review',
       'reason', '', 'note', '')
FROM invitations i JOIN graduates g ON g.id = i.graduate_id
WHERE g.school_code = '10001' ORDER BY i.id;
UPDATE invitations SET state = 'awaiting_review', responded_at = '2026-05-12T01:00:00Z',
       updated_at = '2026-05-12T01:00:00Z'
WHERE graduate_id IN (SELECT id FROM graduates WHERE school_code = '10001');
COMMIT;" || die "accepting school 10001's invitations failed"
# Each trial copies one file: everything must be in it, not in a WAL beside it.
sqlite3 "$base" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
[[ ! -s $base-wal ]] || die "the starting database still has a WAL after a checkpoint"
rm -f "$base-wal" "$base-shm"
before=$(fingerprint "$base")
echo "  starting database: $(counts "$base")"

# The four commands, by name: their arguments and the exit statuses of a complete run.
names=(import issue review sweep)
declare -A args ok_status
args[import]="student import $work/import.csv --format csv"
ok_status[import]="0"
args[issue]="invite issue --employer $A --all-favorites --cohort 2026 --job-category 13 \
--position 软件研发工程师 --work-location 北京市海淀区 --contact 王老师 \
--contact-phone 010-62751234 --valid-days 7 --format csv"
ok_status[issue]="0 4"  # some graduates are 定向/委培 or already signed: refused, the rest issued
args[review]="review approve --all --school 10001 --format csv"
ok_status[review]="0"
args[sweep]="sweep --format json"
ok_status[sweep]="0"

trial="$work/trial.db"
fresh_trial() {
  rm -f "$trial" "$trial-wal" "$trial-shm"
  cp "$base" "$trial"
}
# run_to_end NAME: runs the command on a fresh trial database; sets status and wall_ms.
run_to_end() {
  local t0
  fresh_trial
  t0=$(ms_now)
  status=0
  # shellcheck disable=SC2086  # the arguments are words without spaces
  "$ncssctl" --db "$trial" -q ${args[$1]} >"$work/$1.out" 2>"$work/$1.err" || status=$?
  wall_ms=$(($(ms_now) - t0))
}
is_ok_status() {  # NAME STATUS
  local s
  for s in ${ok_status[$1]}; do [[ $2 == "$s" ]] && return 0; done
  return 1
}

RANDOM=$seed
failures=0
declare -A after duration
summary=()
for name in "${names[@]}"; do
  # An uninterrupted run: what "everything" is, and how long the command takes.
  run_to_end "$name"
  if ! is_ok_status "$name" "$status"; then
    echo "crash.sh: ncssctl ${args[$name]%% --*} exited with status $status:" >&2
    tail -n 5 "$work/$name.err" >&2
    exit 1
  fi
  after[$name]=$(fingerprint "$trial")
  duration[$name]=$wall_ms
  if [[ ${after[$name]} == "$before" ]]; then
    echo "crash.sh: $name wrote nothing on an uninterrupted run; the test would prove nothing" >&2
    exit 1
  fi
  echo "  $name: ncssctl ${args[$name]%% --*}: ${wall_ms} ms uninterrupted; after it: $(counts "$trial")"

  killed=0 finished=0 nothing=0 everything=0
  for ((k = 1; k <= kills; k++)); do
    fresh_trial
    delay=$(((RANDOM << 15 | RANDOM) % (wall_ms > 0 ? wall_ms : 1)))
    # shellcheck disable=SC2086
    "$ncssctl" --db "$trial" -q ${args[$name]} >/dev/null 2>"$work/trial.err" &
    child=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$child" 2>/dev/null || true
    status=0
    # (stderr: bash's own "Killed" job notice)
    { wait "$child"; } 2>/dev/null || status=$?
    child=''
    if ((status == 128 + 9)); then
      killed=$((killed + 1))
    elif is_ok_status "$name" "$status"; then
      finished=$((finished + 1))
    else
      echo "  FAIL $name kill $k: the command exited with status $status before the kill:" >&2
      tail -n 3 "$work/trial.err" >&2
      failures=$((failures + 1))
      continue
    fi
    verdict=''
    check_rc=0
    "$ncssctl" --db "$trial" db check >"$work/check.out" 2>&1 || check_rc=$?
    got=$(fingerprint "$trial")
    if ((check_rc != 0)); then
      verdict="db check failed (exit status $check_rc): $(tr '\n' ' ' <"$work/check.out")"
    elif [[ $got == "$before" ]]; then
      nothing=$((nothing + 1))
    elif [[ $got == "${after[$name]}" ]]; then
      everything=$((everything + 1))
    else
      verdict="neither nothing nor everything: $(counts "$trial")"
    fi
    if [[ -n $verdict ]]; then
      failures=$((failures + 1))
      kept="$work/failed-$name-$k.db"
      cp "$trial" "$kept"
      [[ ! -e $trial-wal ]] || cp "$trial-wal" "$kept-wal"
      KEEP=1
      echo "  FAIL $name kill $k after $delay ms: $verdict (kept as $kept)" >&2
    fi
  done
  line="$name: $kills kills within ${duration[$name]} ms ($killed while running, $finished"
  line+=" after it ended): $nothing left nothing, $everything everything"
  echo "  $line"
  summary+=("$line")
done

echo
printf '%s\n' "${summary[@]}"
if ((failures > 0)); then
  echo "FAILED: $failures kill(s) left a database that is damaged or half written (seed $seed)"
  exit 1
fi
echo "crash safety: passed ($((kills * ${#names[@]})) kills, seed $seed)"
