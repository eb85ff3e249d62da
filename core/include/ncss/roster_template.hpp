// The roster import template (下载批量导入模板) that `student template` hands to a school.
#pragma once

#include <filesystem>

namespace ncss {

// Writes an .xlsx with two sheets: 毕业生名单, the headers of roster_fields() in order, no data
// rows, the ID number, phone, student number and cohort columns formatted as text, and drop-down
// lists for 学历层次, 培养方式 and 性别; and 填写说明, one line per column saying whether it is
// required, what it accepts and the rules it must follow. Throws ncss::Error(Io) naming the file.
void write_roster_template(const std::filesystem::path& file);

}  // namespace ncss
