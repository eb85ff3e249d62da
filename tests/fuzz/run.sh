#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS]: configures and builds the fuzz tree with clang (libFuzzer, ASan,
# UBSan), makes the seed corpora from the project's fixtures, and runs every fuzz target for
# SECONDS each (default 20: the short run of the default tests; 3600 for the long run).
# Exits non-zero when a target crashes, leaks, times out or fails a check; the input that did it
# is left in BUILD/crashes/<target>/ and the target's log in BUILD/logs/<target>.log.
#
# Environment:
#   NCSS_FUZZ_BUILD_DIR  the fuzz build tree (default: build-fuzz/ at the top of the clone)
#   NCSS_FUZZ_TARGETS    the targets to run (default: all of them)
#   NCSS_FUZZ_PARALLEL   how many targets run at once (default 1)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds="${1:-20}"
build="${NCSS_FUZZ_BUILD_DIR:-$top/build-fuzz}"
targets="${NCSS_FUZZ_TARGETS:-csv xlsx xlsx_parts identity agreement_template}"
parallel="${NCSS_FUZZ_PARALLEL:-1}"

if [[ ! "$seconds" =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "usage: tests/fuzz/run.sh [SECONDS]" >&2
  exit 2
fi

cxx=$(command -v clang++-14 || command -v clang++ || true)
if [[ -z "$cxx" ]]; then
  echo "fuzz: clang is missing (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 1
fi

# -O1 and line tables only: fast to build, fast enough to fuzz, stack traces with lines. No
# NDEBUG, so assertions stay on.
cmake -S "$top" -B "$build" -G Ninja -DNCSS_FUZZ=ON -DBUILD_TESTING=OFF -DNCSS_WERROR=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  "-DCMAKE_CXX_COMPILER=$cxx" >/dev/null
cmake --build "$build" --target fuzz_all -j "$(nproc)"

rm -rf "$build/seeds"
"$build/tests/fuzz/fuzz_seeds" "$top" "$build/seeds"

# The longest input each target is given: above every seed, small enough to keep runs fast.
max_len() {
  case "$1" in
    csv) echo 16384 ;;
    xlsx) echo 65536 ;;
    xlsx_parts) echo 32768 ;;
    identity) echo 256 ;;
    agreement_template) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

# Runs one target; its exit status is written to logs/<target>.status.
run_target() {
  local t="$1"
  local corpus="$build/corpus/$t" crashes="$build/crashes/$t" log="$build/logs/$t.log"
  mkdir -p "$corpus" "$crashes" "$build/logs"
  local status=0
  # New inputs go to corpus/<target> (kept between runs, so a long run starts where the last
  # one ended); the fresh seeds are read only.
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
    "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len="$(max_len "$t")" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$corpus" "$build/seeds/$t" >"$log" 2>&1 || status=$?
  echo "$status" >"$build/logs/$t.status"
}

start=$SECONDS
for t in $targets; do
  if [[ ! -x "$build/tests/fuzz/fuzz_$t" ]]; then
    echo "fuzz: no target $t" >&2
    exit 2
  fi
  rm -f "$build/logs/$t.status"
  run_target "$t" &
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
done
wait

failed=0
for t in $targets; do
  log="$build/logs/$t.log"
  status=$(cat "$build/logs/$t.status" 2>/dev/null || echo 1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  if [[ "$status" == 0 ]]; then
    echo "fuzz $t: ${seconds} s, ${runs:-?} runs, ${cov:-cov: ?}, no crash"
  else
    failed=1
    echo "fuzz $t: FAILED (exit $status); log: $log"
    grep -E '^==[0-9]+==ERROR|runtime error:|fuzz check failed|^SUMMARY|deadly signal|Test unit written' \
      "$log" | head -20 || true
    echo "  inputs: $build/crashes/$t/; reproduce: $build/tests/fuzz/fuzz_$t FILE"
  fi
done
echo "fuzz: $((SECONDS - start)) s for: $targets"
exit "$failed"
