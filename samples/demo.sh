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
step_expect 4 "Dry run of a roster with eight bad rows: nothing is written" \
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
step "Row 45 came as 2026.0 and 13812345678.0 (a float column): stored as 2026 and 13812345678" \
  student show 110108200406120538 --format csv
step "Register an employer (a private company: 39 其他企业)" employer register \
  --name 北京示例科技有限公司 --short-name 示例科技 --credit-code 91110108749352307A --nature 39 \
  --private --industry I --size 3 --province 北京市 --city 北京市 --street 海淀区中关村大街1号 \
  --website https://www.example.com
step "Register a second employer" employer register --name 青岛示例制造有限公司 \
  --short-name 青岛示例 --credit-code 91370214MA3D2M2T5C --nature 国有企业 --industry C \
  --size 1000-9999人 --province 山东省 --city 青岛市 --street 崂山区海尔路1号
step_expect 3 "A credit code with a wrong check character is refused" employer register \
  --name 错误代码公司 --short-name 错误 --credit-code 91110000600037341N --nature 39 \
  --industry I --size 1 --province 北京市 --city 北京市 --street 朝阳区
step "An account for the first employer" employer user add 91110108749352307A \
  --real-name 王芳 --gender 女 --department 人力资源部 --position 招聘主管 \
  --email hr@example.com --work-phone 010-62751234 --mobile 13812345678
step "The employer edits its own information" employer edit 91110108749352307A --size 4
step_expect 3 "A private company stays 39 其他企业" employer edit 91110108749352307A \
  --nature 国有企业
step "Staff correct the second employer's name" --actor staff-li employer correct \
  91370214MA3D2M2T5C --name 青岛示例智能制造有限公司 --reason 营业执照名称变更
step_expect 5 "An unverified employer cannot add favourites" favorite add \
  --employer 91110108749352307A --name 张雨涵 --id 110108200311050362 --school 北京大学
step "Verification by remittance (对公账号汇款认证)" employer verify remittance \
  91110108749352307A --account 110060224018800044454 --bank 交通银行北京海淀支行 \
  --authorisation "$top/samples/files/authorisation.jpg"
# The amount arrives by bank transfer; the demo reads it back with the staff aid.
amount=$("$ncssctl" employer verify show 91110108749352307A --reveal-amount --format json |
  sed -n 's/.*"amount": "\([0-9.]*\)".*/\1/p' | tail -n 1)
wrong=9.99
[[ $amount == 9.99 ]] && wrong=9.98
step_expect 5 "A wrong amount is refused and counted (1 of 3 tries)" employer verify confirm \
  91110108749352307A --amount "$wrong"
step "Confirm the amount received" employer verify confirm 91110108749352307A --amount "$amount"
step "Verification by uploaded materials (上传材料认证)" employer verify materials \
  91370214MA3D2M2T5C --licence "$top/samples/files/licence.png" \
  --authorisation "$top/samples/files/authorisation.png"
step "Staff reject it with a reason" --actor 平台审核员 employer verify reject 91370214MA3D2M2T5C \
  --reason 授权书未加盖公章
step "The employer resubmits" employer verify materials 91370214MA3D2M2T5C \
  --licence "$top/samples/files/licence.png" --authorisation "$top/samples/files/authorisation.jpg"
step "Staff approve it" --actor 平台审核员 employer verify approve 91370214MA3D2M2T5C
step "Employers and their verification" employer list --format table
step "Add a favourite (exact match on name, ID number and school)" favorite add \
  --employer 91110108749352307A --name 张雨涵 --id 110108200311050362 --school 北京大学
step_expect 4 "Add favourites from a file (one already there, one wrong school, one unknown)" \
  favorite import --employer 91110108749352307A "$top/samples/favorites-2026.csv" --format table
step "The employer's favourites" favorite list --employer 91110108749352307A --format table
step "A job template" template add job --employer 91110108749352307A --name 研发岗 \
  --job-category 13 --position 软件工程师 --work-location 北京市海淀区 --contact 王芳 \
  --contact-phone 010-62751234
step "An archive template, the default" template add archive --employer 91110108749352307A \
  --name 转寄人才中心 --receipt-type 转寄其他单位 --forward-unit 北京市海淀区人才服务中心 \
  --address 北京市海淀区中关村大街1号 --postcode 100080 --default
step "A hukou template" template add hukou --employer 91110108749352307A --name 集体户 \
  --address 北京市海淀区中关村大街1号集体户
step "Edit the job template" template edit job 研发岗 --employer 91110108749352307A \
  --position 算法工程师
step "Its edit history (查看编辑记录)" template history job 研发岗 \
  --employer 91110108749352307A --format table
A=91110108749352307A
B=91370214MA3D2M2T5C
step "Invitations to six favourites (job template; default archive template; hukou template)" \
  invite issue --employer $A --to 110108200311050362 --to 320106200304190515 \
  --to 330106199908120653 --to 650102200211180431 --to 35020320031009074X \
  --to 65310120030702056X --job-template 研发岗 --hukou-template 集体户 --valid-days 7 \
  --terms 试用期三个月 --format table
step "The second employer adds a favourite" favorite add --employer $B --name 张雨涵 \
  --id 110108200311050362 --school 北京大学
step_expect 3 "An invitation without its 签约联系人 (starred on the form) is refused, nothing sent" \
  invite issue --employer $B --to 110108200311050362 --job-category 工程技术人员 \
  --position 软件工程师
step "...and invites the same graduate" invite issue --employer $B --to 110108200311050362 \
  --job-category 工程技术人员 --position 软件工程师 --contact 刘经理 --format table
step_expect 4 "Inviting from a list file (dry run): every row answered with its rule" \
  invite issue --employer $B --from-file "$top/samples/favorites-2026.csv" \
  --job-category 工程技术人员 --position 软件工程师 --contact 刘经理 --dry-run --format table
step "张雨涵 accepts the first employer's invitation" invite respond 1 --accept
step_expect 5 "...so the second employer's invitation is view-only" invite respond 7 --accept
step "Two more accept" invite respond 2 --accept
step "...and a third" invite respond 3 --accept
step "One rejects" invite respond 4 --reject
step "The employer withdraws one still awaiting the graduate (撤回签约)" invite withdraw 5 \
  --reason 岗位调整 --note "岗位已满"
step_expect 10 "Withdrawing an accepted one is refused: 请联系学生中止签约" invite withdraw 1 \
  --reason 其他
step "The school corrects a misspelt name: her favourite and open invitation become 失效" \
  --actor 新疆大学就业中心 student correct 65310120030702056X --name 古丽娜尔·买买提江 \
  --reason 姓名录入错误 --format table
step "...and a mistyped 身份证号: the old number is remembered, so the roster file cannot add him again" \
  --actor 清华大学就业中心 student correct 21010219990301033X --id-number 210102199903010356 \
  --reason 身份证号录入错误 --format table
step "The school's review list" review list --school 北京大学 --format table
step "The school approves two: agreement numbers are assigned" --actor 北京大学就业中心 \
  review approve 1 2 --format table
step "...and rejects one" --actor 北京大学就业中心 review reject 3 --reason 岗位信息与实际不符
step_expect 4 "The employer cannot send 李浩然 another invitation: they have signed (already_signed)" \
  invite issue --employer $A --to 320106200304190515 --job-template 研发岗
step "The employer's 失效 list: the favourite of the graduate whose name was corrected" \
  favorite list --employer $A --status invalid --format table
step "The employer's invitations" invite list --employer $A --format table
step "One invitation and its progress" invite show 1 --format table
step "Three weeks later, cron's sweep expires what was never answered" \
  --now 2026-06-10T09:00:00+08:00 sweep --format table
step "A second sweep finds nothing" --now 2026-06-10T09:00:00+08:00 sweep --format table
step "The employer asks to end 张雨涵's agreement (线上解约)" --now 2026-06-12T10:00:00+08:00 \
  terminate request 1 --by employer --reason 协商一致 --note "岗位调整，双方协商一致解约" \
  --format table
step "She agrees; it goes to the school" --now 2026-06-12T15:00:00+08:00 \
  terminate respond 1 --by graduate --accept --format table
step "The school approves: 已解约, she is free to sign again" --now 2026-06-13T09:00:00+08:00 \
  --actor 北京大学就业中心 review approve T1 --format table
step "李浩然 asks to end his" --now 2026-06-13T10:00:00+08:00 terminate request 2 \
  --by graduate --reason 个人发展 --note "希望回家乡发展" --format table
step "The employer refuses: 解约失败, the agreement stays signed" \
  --now 2026-06-13T16:00:00+08:00 terminate respond 2 --by employer --reject --format table
step "The termination lists (解约中 / 已解约 / 解约失败)" terminate list --format table
step "赵一诺 registers the paper agreement she signed (已签纸质就业协议登记; a sample scan)" \
  --now 2026-06-14T09:00:00+08:00 register paper --graduate 120104200401030249 \
  --employer-name 上海示例教育科技有限公司 --credit-code 91310115MA1K3BTP2B --nature 39 \
  --job-category 24 --position 课程研发 --work-location 上海市浦东新区 \
  --scan "$top/samples/files/authorisation.jpg" --format table
step "The school returns it for modification (退回修改)" --now 2026-06-15T09:00:00+08:00 \
  --actor 北京大学就业中心 register return 1 --reason "扫描件不清晰，请重新上传" --format table
step "She resubmits with a new scan" --now 2026-06-15T20:00:00+08:00 register resubmit 1 \
  --scan "$top/samples/files/authorisation.png" --format table
step "The school approves: the agreement number is assigned" --now 2026-06-16T09:00:00+08:00 \
  --actor 北京大学就业中心 register approve 1 --format table
step "周博文 registers further study (境内升学, 考研)" --now 2026-06-14T10:00:00+08:00 \
  register destination --graduate 410105200306210132 --code 考研 --study-school 北京大学 \
  --proof "$top/samples/files/licence.png" --format table
step "What awaits the schools' review: signings, registrations R<id>, terminations T<id>" \
  review queue --format table
step "The school approves it" --now 2026-06-16T10:00:00+08:00 --actor 清华大学就业中心 \
  register approve 2 --format table
step "He gives up the place and voids it himself (no review; the school sees it)" \
  --now 2026-06-20T10:00:00+08:00 register void 2 --reason "放弃入学，准备就业" --format table
step "Its history" register history 2 --format table
step "The registrations" register list --format table
step "The dashboard (工作台)" stats --cohort 2026 --format table
step "The destination rate (去向落实率) per school" stats rate --cohort 2026 --format table
step "… per department of 北京大学 as .xlsx and as a bar chart for the office's report" \
  stats rate --cohort 2026 --school 北京大学 --by department -o "$out/去向落实率.xlsx"
step "… (the chart)" stats rate --cohort 2026 --school 北京大学 --by department \
  -o "$out/去向落实率.png"
step "An invitation's audit trail" history 1 --format table
step "The gateway takes the notifications once" outbox export --mark-sent --format csv
step "The agreements of the signed records as PDF files (电子就业协议书; terminated ones are left out)" \
  agreement pdf --all -o "$out/agreements" --format table
first_pdf=$(find "$out/agreements" -name '*.pdf' | sort | head -1)
step "Verify an agreement PDF: its text read back and its code checked (valid, exit 0)" \
  agreement verify "$first_pdf" --format table
step "Agreement 2's fields for scripts (field, value; the ID number in full)" \
  agreement show 2 --format csv
step "The paper agreement for offline signing (线下签约) of 冯毅: his and the school's parts filled in" \
  agreement pdf --blank 140105199806190712 -o "$out/线下签约" --format table
step "The nightly export for the office's report (.xlsx, ID numbers masked; cron: --quiet)" \
  export signings -o "$out/signings.xlsx"

printf '\n== Scripting (README "Scripting"): the same commands a script or cron runs\n'
step "cron's sweep: silent when there is nothing to say" sweep --quiet
step_expect 3 "An import that must fail the script on any rejected row: --all-or-nothing writes nothing" \
  student import "$top/samples/roster-2026.csv" --all-or-nothing --quiet
printf '\n== Approve each signing awaiting review at 北京大学, read from JSON lines\n'
"$ncssctl" review list --school 10001 --format jsonl | while read -r line; do
  id=$(printf '%s\n' "$line" | sed -n 's/.*"invitation_id": \([0-9]*\).*/\1/p')
  echo "approving invitation $id"
  "$ncssctl" review approve "$id" --quiet
done
step "Check the database" db check --format table

printf '\nThe demo database is %s; the import report is %s; the agreements are in %s\n' \
  "$NCSSCTL_DB" "$out/导入报告.xlsx" "$out/agreements"
