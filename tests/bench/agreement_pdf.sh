#!/usr/bin/env bash
# The agreement PDF benchmark: `ncssctl agreement pdf --all` against Python reportlab drawing the
# same one-page agreement (README.md in this directory says what each number means).
#
# Usage: tests/bench/agreement_pdf.sh [N]     N signed agreements, default 2000
# Environment:
#   BUILD=DIR   the build directory holding ncssctl (default ./build); this script builds nothing
#   JOBS=n      ncssctl's --jobs (default 2, both cores of the development machine); used only
#               when `agreement pdf --help` offers --jobs, else the run is on one thread (noted)
#   RUNS=n      time each tool n times into fresh directories and take the medians (default 1)
#   REPORTLAB_QR=1  reportlab draws the QR code too (default: text only, its best case; its QR
#               encoder is pure Python and slow)
#   KEEP=1      keep the work directory (database, PDFs, outputs)
#   PYTHON=py   the Python that has reportlab (default /usr/bin/python3, then python3)
#
# Exits 0 when everything was measured, even if a target is missed (the table says MISSED);
# 2 when the build, sqlite3 or the generated data is missing.
set -euo pipefail

n=${1:-2000}
if ! [[ $n =~ ^[1-9][0-9]*$ ]] || ((n > 100000)); then
  echo "agreement_pdf.sh: N must be a whole number from 1 to 100000" >&2
  exit 2
fi
runs=${RUNS:-1}
if ! [[ $runs =~ ^[1-9][0-9]?$ ]]; then
  echo "agreement_pdf.sh: RUNS must be a whole number from 1 to 99" >&2
  exit 2
fi
jobs=${JOBS:-2}
if ! [[ $jobs =~ ^[1-9][0-9]?$ ]]; then
  echo "agreement_pdf.sh: JOBS must be a whole number from 1 to 99" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${BUILD:-./build}
ncssctl="$build/ncssctl"
if [[ ! -x $ncssctl ]]; then
  echo "agreement_pdf.sh: $ncssctl is missing; build first: cmake --build $build" >&2
  exit 2
fi

bench=agreement_pdf.sh
# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

find_python reportlab python3-reportlab
font=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
if [[ ! -r $font ]]; then
  echo "agreement_pdf.sh: $font is missing; install Debian's fonts-wqy-zenhei" >&2
  exit 2
fi

# --jobs is used when this ncssctl has it.
jobs_args=()
if "$ncssctl" agreement pdf --help 2>/dev/null | grep -q -- '--jobs'; then
  jobs_args=(--jobs "$jobs")
else
  jobs=1
  note "this ncssctl's \`agreement pdf\` has no --jobs: it runs on one thread"
fi

kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1000 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else \
printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fail_gen() {
  echo "agreement_pdf.sh: generating the database failed at $1:" >&2
  tail -n 5 "$work/gen.err" >&2 || true
  exit 2
}


# ---------------------------------------------------------------------------------------------
# The data: N graduates of 北京大学 (10001), cohort 2026, with varied names (20 surnames, 20 × 20
# given-name characters), one verified employer with all of them as favourites. Then the real
# lifecycle through the CLI: one `invite issue --all-favorites`, the graduates accept, and one
# `review approve --all`, which assigns the agreement numbers and freezes the snapshots.
employer=91110108749352307A
db="$work/agreements.db"
echo "agreement PDF benchmark: $n signed agreements, ncssctl from $build"
t0=$(date +%s%N)
"$ncssctl" --db "$db" init >/dev/null 2>"$work/gen.err" || fail_gen init
sqlite3 "$db" "PRAGMA foreign_keys = ON" "BEGIN" "
INSERT INTO graduates (id, id_number, cohort, name, school_code, department, degree_level, major,
                       training_mode, gender, created_at, updated_at)
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $n),
base AS (SELECT i, '110108' || strftime('%Y%m%d', julianday('2002-01-01') + i / 1000) ||
                   printf('%03d', i % 1000) AS f17 FROM seq)
SELECT i, f17 || $id_check, 2026,
       substr('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗', i % 20 + 1, 1) ||
         substr('浩子宇博俊雨欣诗梦佳思若晨嘉一可明志静婉', (i / 20) % 20 + 1, 1) ||
         substr('然轩航文杰涵琪瑶慧怡宁远鹏晴阳雪', (i / 400) % 16 + 1, 1),
       '10001', '信息科学技术学院', '31', '计算机科学与技术', '非定向',
       CASE WHEN i % 2 = 1 THEN '男' ELSE '女' END, '2026-03-01T02:00:00Z', '2026-03-01T02:00:00Z'
FROM base;
INSERT INTO employers (credit_code, name, short_name, nature_code, industry_code, size_code,
                       province, city, street, verification, verified_at, created_at, updated_at)
VALUES ('$employer', '北京示例科技有限公司', '示例科技', '39', 'I', '3', '北京市', '北京市',
        '海淀区中关村大街1号', 'verified', '2026-02-01T02:00:00Z', '2026-02-01T01:00:00Z',
        '2026-02-01T02:00:00Z');
INSERT INTO favorites (credit_code, graduate_id, cohort, created_at, created_by)
SELECT '$employer', id, cohort, '2026-03-02T02:00:00Z', 'bench' FROM graduates ORDER BY id;
" "COMMIT" >/dev/null 2>"$work/gen.err" || fail_gen "the graduates"
"$ncssctl" --db "$db" --now 2026-05-20T09:00:00+08:00 invite issue --employer "$employer" \
  --all-favorites --cohort 2026 --job-category 13 --position 软件研发工程师 \
  --work-location 北京市海淀区 --contact 王芳 --contact-phone 010-62751234 \
  --archive-receipt-type 1 --archive-address 北京市海淀区中关村大街1号 --archive-contact 王芳 \
  --archive-phone 010-62751234 --archive-postcode 100080 \
  --hukou-address 北京市海淀区中关村大街1号集体户 --valid-days 30 \
  --terms "试用期三个月，试用期月薪一万二千元，转正后月薪一万五千元；五险一金按北京市规定缴纳。" \
  --quiet >/dev/null 2>"$work/gen.err" || fail_gen "invite issue"
# Accepting is one `invite respond` per invitation; that many processes would take longer than
# the benchmark, so the graduates accept in SQL, as `invite respond --accept` records it (the
# state, the time; the review that follows reads nothing else).
sqlite3 "$db" "UPDATE invitations SET state = 'awaiting_review', \
responded_at = '2026-05-21T02:00:00Z', updated_at = '2026-05-21T02:00:00Z' \
WHERE state = 'awaiting_graduate'" 2>"$work/gen.err" || fail_gen "accepting"
"$ncssctl" --db "$db" --now 2026-05-22T09:00:00+08:00 --actor 北京大学就业中心 review approve \
  --all --school 10001 --cohort 2026 --quiet >/dev/null 2>"$work/gen.err" || fail_gen "review approve"
signed=$(q "$db" "SELECT count(*) FROM invitations WHERE state = 'signed' AND \
agreement_no IS NOT NULL")
t1=$(date +%s%N)
if [[ $signed != "$n" ]]; then
  echo "agreement_pdf.sh: the generated database has $signed signed agreements, not $n" >&2
  exit 2
fi
printf '  generated in %s s: %s signed agreements\n' \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')" "$signed"

# The text of the first agreement, for reportlab; each reportlab document gets the agreement
# number and name of one record, as each ncssctl file does.
first=$(q "$db" "SELECT min(id) FROM invitations WHERE state = 'signed'")
"$ncssctl" --db "$db" agreement show "$first" --unmask >"$work/agreement.txt" 2>"$work/gen.err" ||
  fail_gen "agreement show"
q "$db" "SELECT i.agreement_no || char(9) || g.name FROM invitations i JOIN graduates g ON \
g.id = i.graduate_id WHERE i.state = 'signed' ORDER BY i.id" >"$work/docs.tsv"

# pdf_stats DIR: sets files (count) and bytes (total size) of the PDFs in DIR.
pdf_stats() {
  files=$(find "$1" -name '*.pdf' | wc -l)
  bytes=$(find "$1" -name '*.pdf' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
}

# Each run writes into a fresh directory, after `sync`, ncssctl first, then reportlab.
rl_args=() rl_what="text only"
if [[ ${REPORTLAB_QR:-0} == 1 ]]; then rl_args=(--qr) rl_what="with the QR code"; fi
ours_walls=() ours_rss='' ours_ok=1 ours_bytes=0 ours_files=0
rl_walls=() rl_rss='' rl_ok=1 rl_bytes=0 rl_files=0 rl_inner=()
for ((run = 1; run <= runs; run++)); do
  rm -rf "$work/ncssctl-pdf" "$work/reportlab-pdf"
  sync
  measure ours "$ncssctl" --db "$db" --quiet agreement pdf --all -o "$work/ncssctl-pdf" \
    "${jobs_args[@]}"
  ours_run=FAILED
  if ((status == 0)); then
    pdf_stats "$work/ncssctl-pdf"
    ours_files=$files ours_bytes=$bytes
    if ((files != n)); then
      note "ncssctl wrote $files PDF files, not $n"
      ours_ok=0
    fi
    ours_run=$wall
    ours_walls+=("$wall")
    if [[ -n $rss_kib ]] && ((rss_kib > ${ours_rss:-0})); then ours_rss=$rss_kib; fi
  else
    failed ours
    ours_ok=0
  fi
  rl_run=skipped
  if [[ -n $python ]]; then
    sync
    measure reportlab "$python" "$here/agreement_reportlab.py" "${rl_args[@]}" \
      "$work/agreement.txt" "$work/docs.tsv" "$work/reportlab-pdf"
    rl_run=FAILED
    if ((status == 0)); then
      pdf_stats "$work/reportlab-pdf"
      rl_files=$files rl_bytes=$bytes
      if ((files != n)); then
        note "reportlab wrote $files PDF files, not $n"
        rl_ok=0
      fi
      rl_run=$wall
      rl_walls+=("$wall")
      rl_inner+=("$(awk '{ print $3 }' "$work/reportlab.out")")
      if [[ -n $rss_kib ]] && ((rss_kib > ${rl_rss:-0})); then rl_rss=$rss_kib; fi
    else
      failed reportlab
      rl_ok=0
    fi
  fi
  ((runs == 1)) || printf '  run %d: ncssctl %s s, reportlab %s s\n' "$run" "$ours_run" "$rl_run"
  ((ours_ok == 1 && rl_ok == 1)) || break
done

# The first file of ncssctl's, checked as the tests do when the tools are there. (No `head` in
# pipelines: under pipefail, the writer it cuts off would end the script.)
if ((ours_ok)) && command -v pdffonts >/dev/null; then
  sample=$(find "$work/ncssctl-pdf" -name '*.pdf' | sort | awk 'NR == 1')
  if ! pdffonts "$sample" 2>/dev/null |
    awk 'NR > 2 && $(NF - 4) == "yes" && $(NF - 3) == "yes" { ok = 1 } END { exit !ok }'; then
    note "pdffonts does not show an embedded subset font in $sample"
  fi
fi

# Pages: every document has the same layout, so ncssctl's are its first file's times N (pdfinfo,
# Debian's poppler-utils; 1 a document without it); reportlab's helper counts its own.
ours_pages=$n
if ((ours_ok)) && command -v pdfinfo >/dev/null; then
  per_doc=$(pdfinfo "$(find "$work/ncssctl-pdf" -name '*.pdf' | sort | awk 'NR == 1')" 2>/dev/null |
    awk '/^Pages:/ { print $2 }')
  ours_pages=$((n * ${per_doc:-1}))
elif ((ours_ok)); then
  note "pdfinfo is missing (Debian package poppler-utils): one page a document is assumed"
fi
rl_pages=$n
[[ ! -s $work/reportlab.out ]] || rl_pages=$(awk '{ print $1 }' "$work/reportlab.out")

of_runs=''
((runs == 1)) || of_runs=", median of $runs"
pages_per_s() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", (t > 0) ? n / t : 0 }'; }
if ((ours_ok)); then
  ours_wall=$(printf '%s\n' "${ours_walls[@]}" | median)
  ours_rate=$(pages_per_s "$ours_pages" "$ours_wall")
  ours_avg=$((ours_bytes / ours_files))
  row "ncssctl agreement pdf --all (jobs $jobs)$of_runs" "$ours_wall s" "" ""
  row "ncssctl documents per second" "$(pages_per_s "$n" "$ours_wall") /s" "" ""
  row "ncssctl pages per second ($((ours_pages / n)) a document)" "$ours_rate /s" "" ""
  row "ncssctl average file size" "$(kb "$ours_avg")" "" ""
  row "ncssctl average size per page" "$(kb $((ours_bytes / ours_pages)))" "" ""
  [[ -z $ours_rss ]] || row "ncssctl peak RSS" "$(mib "$ours_rss")" "" ""
else
  row "ncssctl agreement pdf --all" "FAILED" "" "MISSED"
fi
if [[ -z $python ]]; then
  row "reportlab" "not measured" "" ""
elif ((rl_ok)); then
  rl_wall=$(printf '%s\n' "${rl_walls[@]}" | median)
  rl_rate=$(pages_per_s "$rl_pages" "$rl_wall")
  rl_avg=$((rl_bytes / rl_files))
  rl_draw=$(printf '%s\n' "${rl_inner[@]}" | median)
  row "reportlab, one process ($rl_what)$of_runs" "$rl_wall s" "" ""
  row "reportlab documents per second" "$(pages_per_s "$n" "$rl_wall") /s" "" ""
  row "reportlab pages per second ($((rl_pages / n)) a document)" "$rl_rate /s" "" ""
  row "reportlab pages/s without start-up" "$(pages_per_s "$rl_pages" "$rl_draw") /s" "" ""
  row "reportlab average file size" "$(kb "$rl_avg")" "" ""
  row "reportlab average size per page" "$(kb $((rl_bytes / rl_pages)))" "" ""
  [[ -z $rl_rss ]] || row "reportlab peak RSS" "$(mib "$rl_rss")" "" ""
else
  row "reportlab" "FAILED" "" ""
fi
if ((ours_ok)) && [[ -n $python ]] && ((rl_ok)); then
  r=$(ratio "$ours_rate" "$rl_rate")
  row "pages/s: ncssctl / reportlab" "$r" ">= 2" "$(verdict "$r" ge 2)"
  r=$(ratio "$ours_avg" "$rl_avg")
  row "file size: ncssctl / reportlab" "$r" "< 1" "$(verdict "$r" le 0.999)"
fi

print_summary
exit 0
