# Shared helpers of the benchmark scripts; source it after setting
#   bench   the script's name, for messages
#   ncssctl the binary under test
# It creates $work (removed at exit unless KEEP=1), finds GNU time and sqlite3, and defines
# measure, row/verdict/ratio/mib, print_summary, find_python, init_db, fill, q, and the SQL of
# valid ID numbers and credit codes (id_check, credit_check: check characters over a
# 17-character expression f17).

note() { printf '  note: %s\n' "$*" >&2; }

can_install() { [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "$@" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$@" >/dev/null 2>&1; }
}

if ! command -v sqlite3 >/dev/null && can_install; then apt_install sqlite3 || true; fi
if ! command -v sqlite3 >/dev/null; then
  echo "$bench: sqlite3 is missing (Debian package sqlite3) and cannot be installed" >&2
  exit 2
fi
# Peak RSS comes from GNU time (Debian package "time"); without it, it is not reported.
use_time=0
if [[ -x /usr/bin/time ]] || { can_install && apt_install time && [[ -x /usr/bin/time ]]; }; then
  use_time=1
else
  note "/usr/bin/time is missing (Debian package time): peak RSS is not reported"
fi

work=$(mktemp -d "${WORK_PARENT:-${TMPDIR:-/tmp}}/ncss-bench.XXXXXX")
if [[ ${KEEP:-0} == 1 ]]; then
  echo "work directory: $work (kept)"
else
  trap 'rm -rf "$work"' EXIT
fi
export NCSSCTL_ACTOR=bench

# measure LABEL COMMAND...: runs COMMAND with stdout and stderr to $work/LABEL.{out,err}; sets
# status, wall (seconds) and rss_kib (empty when not measured). The file system is synced first,
# outside the clock: the kernel writing back what an earlier step wrote (a generated roster, the
# previous database) would otherwise be charged to this step, which measured up to 60 % slower.
measure() {
  local label=$1 t0 t1
  shift
  local out="$work/$label.out" err="$work/$label.err" rss="$work/$label.rss"
  : >"$rss"
  sync
  t0=$(date +%s%N)
  set +e
  if ((use_time)); then
    /usr/bin/time -f %M -o "$rss" "$@" >"$out" 2>"$err"
  else
    "$@" >"$out" 2>"$err"
  fi
  status=$?
  set -e
  t1=$(date +%s%N)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  rss_kib=$(tail -n 1 "$rss" | tr -dc 0-9)
}

# alternate RUNS A [B]: calls the shell functions A and B in turn (A B A B ...), RUNS times each;
# each prepares its run (untimed) and calls measure once. Alternating means a machine that slows
# down or speeds up during the benchmark (a virtual machine's neighbours) weighs on both sides
# alike. Sets a_wall and b_wall to each side's median run, a_runs and b_runs to all its times,
# a_rss to A's largest peak RSS, and a_status and b_status to the side's failure, else 0. A
# failure of A ends the runs; one of B ends B's.
alternate() {
  local runs=$1 fa=$2 fb=${3:-} i
  local -a wa=() wb=()
  a_status=0 b_status=0 a_rss=''
  for ((i = 0; i < runs; i++)); do
    "$fa"
    if ((status != 0)); then
      a_status=$status
      break
    fi
    wa+=("$wall")
    if [[ -n $rss_kib ]] && { [[ -z $a_rss ]] || ((rss_kib > a_rss)); }; then a_rss=$rss_kib; fi
    if [[ -n $fb ]] && ((b_status == 0)); then
      "$fb"
      if ((status != 0)); then b_status=$status; else wb+=("$wall"); fi
    fi
  done
  a_runs="${wa[*]}" b_runs="${wb[*]}"
  a_wall=$(median "${wa[@]}")
  b_wall=$(median "${wb[@]}")
}

# median TIME...: the middle one (of an even count, the lower middle); nothing for no times.
median() {
  (($# > 0)) || return 0
  printf '%s\n' "$@" | sort -g | awk '{ w[NR] = $1 } END { print w[int((NR + 1) / 2)] }'
}

failed() {  # LABEL: says why a measured command failed
  echo "  $1 failed with exit status $status:" >&2
  tail -n 5 "$work/$1.err" >&2 || true
}

results=()
row() { results+=("$(printf '%-44s %20s   %-20s %s' "$1" "$2" "$3" "$4")"); }
# verdict VALUE [le|ge] TARGET -> ok / MISSED: VALUE <= TARGET (le, the default) or >= (ge).
verdict() {
  local v=$1 op=le t=$2
  if (($# == 3)); then op=$2 t=$3; fi
  if awk -v v="$v" -v t="$t" -v op="$op" 'BEGIN { exit !((op == "le") ? v <= t : v >= t) }'; then
    echo ok
  else
    echo MISSED
  fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
rss_row() { [[ -z $2 ]] || row "$1" "$(mib "$2")" "" ""; }

init_db() {
  local said
  if ! said=$("$ncssctl" --db "$1" init 2>&1); then
    echo "$bench: ncssctl init failed: $said" >&2
    exit 2
  fi
}

# fill DB SQL...: runs the generator SQL on DB in one transaction, fast: no journal to speak of
# (a fresh database), then back to WAL as ncssctl leaves it.
fill() {
  local db=$1
  shift
  if ! sqlite3 "$db" "PRAGMA journal_mode = DELETE" "PRAGMA synchronous = OFF" \
    "PRAGMA cache_size = -262144" "PRAGMA temp_store = MEMORY" "PRAGMA foreign_keys = ON" "BEGIN" "$@" "COMMIT" \
    "PRAGMA foreign_key_check" "PRAGMA journal_mode = WAL" >"$work/fill.out" 2>&1 ||
    grep -qv '^\(delete\|wal\)$' "$work/fill.out"; then
    echo "$bench: generating $db failed:" >&2
    tail -n 5 "$work/fill.out" >&2
    exit 2
  fi
}

q() { sqlite3 "$1" "$2"; }  # q DB SQL: one value

# check_sum EXPR ALPHABET MOD W1 W2 ... : the SQL for a check character over the 17 characters
# of EXPR (all digits here): GB 11643 for ID numbers, GB 32100 for credit codes.
check_sum() {
  local expr=$1 alphabet=$2 mod=$3 k=1 terms=
  shift 3
  for w in "$@"; do
    terms+="${terms:+ + }CAST(substr($expr, $k, 1) AS INTEGER) * $w"
    k=$((k + 1))
  done
  if ((mod == 11)); then
    echo "substr('$alphabet', ($terms) % 11 + 1, 1)"
  else
    echo "substr('$alphabet', (31 - ($terms) % 31) % 31 + 1, 1)"
  fi
}
id_check=$(check_sum f17 10X98765432 11 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
credit_check=$(check_sum f17 0123456789ABCDEFGHJKLMNPQRTUWXY 31 \
  1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28)

# employers_sql COUNT: COUNT verified employers with valid credit codes.
employers_sql() {
  cat <<SQL
INSERT INTO employers (credit_code, name, short_name, nature_code, industry_code, size_code,
                       province, city, street, verification, verified_at, created_at, updated_at)
WITH RECURSIVE seq(e) AS (SELECT 1 UNION ALL SELECT e + 1 FROM seq WHERE e < $1),
base AS (SELECT e, '91110108' || printf('%09d', e) AS f17 FROM seq)
SELECT f17 || $credit_check, '基准测试单位' || e || '有限公司', '基准' || e, '39', 'I', '3',
       '北京市', '北京市', '中关村大街' || e || '号', 'verified', '2026-02-01T02:00:00Z',
       '2026-02-01T01:00:00Z', '2026-02-01T02:00:00Z'
FROM base;
SQL
}

print_results() {
  printf '%-44s %20s   %-20s %s\n' measure result target verdict
  printf '%s\n' "${results[@]}"
}

# print_summary: the results, then how many targets were missed (MISSED rows).
print_summary() {
  local missed
  echo
  print_results
  echo
  missed=$(printf '%s\n' "${results[@]}" | grep -c 'MISSED$' || true)
  if ((missed > 0)); then
    echo "MISSED: $missed target(s) not met (see the verdict column)"
  else
    echo "all targets met"
  fi
}

# find_python MODULE PACKAGE: sets python to a Python that imports MODULE, installing Debian's
# PACKAGE when missing and this is root with apt-get; python stays empty (with a note saying
# which comparison is skipped) when there is none. Debian's modules live under /usr/bin/python3,
# tried before another python3 on PATH (PYTHON= chooses).
find_python() {
  local module=$1 package=$2 py attempt
  python=
  for attempt in 1 2; do
    for py in ${PYTHON:-} /usr/bin/python3 python3; do
      if command -v "$py" >/dev/null && "$py" -c "import $module" 2>/dev/null; then
        python=$py
        return 0
      fi
    done
    ((attempt == 1)) && can_install && apt_install "$package" || break
  done
  note "$module is missing (Debian package $package, installed by this script when run as root):" \
    "the $module comparison is skipped"
}
