#include "ncss/roster_template.hpp"

#include <xlsxwriter.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "ncss/error.hpp"
#include "ncss/roster.hpp"
#include "partial_file.hpp"

namespace ncss {

namespace {

namespace fs = std::filesystem;

constexpr const char* kRosterSheet = "毕业生名单";
constexpr const char* kGuideSheet = "填写说明";

// What the 填写说明 sheet says about a column, and how the 毕业生名单 sheet helps fill it in.
struct ColumnGuide {
  std::string_view header{};
  std::string_view accepted{};          // 可填写的内容
  std::string_view rules{};             // 规则
  std::string_view fill_from_option{};  // the import option that may stand in for the column
  bool text = false;                    // formatted as text so Excel keeps every digit
  std::vector<const char*> choices{};   // a drop-down list; null-terminated for libxlsxwriter
  std::string_view prompt{};            // shown when a cell of the column is selected
  double width = 12;
};

const std::vector<ColumnGuide>& column_guides() {
  static const std::vector<ColumnGuide> guides = {
      {.header = "学生姓名",
       .accepted = "毕业生姓名，与身份证件一致",
       .rules = "少数民族姓名的间隔号写作“·”，如 艾尔肯·吐尔逊",
       .width = 14},
      {.header = "身份证号",
       .accepted = "18 位居民身份证号码，末位为 X 时写大写 X",
       .rules = "末位校验码须正确（GB 11643）；第 7–14 位是真实的出生日期；第 17 位奇数为男、"
                "偶数为女，须与性别一致；同一届别内不得重复。本列须为文本格式，否则 Excel 会把 "
                "15 位以后的数字变成 0",
       .text = true,
       .prompt = "18 位，末位 X 大写。本列已设为文本格式，请勿改为数值",
       .width = 22},
      {.header = "毕业院校",
       .accepted = "学校名称或 5 位学校代码，如 北京大学 或 10001",
       .rules = "须为教育部全国高等学校名单上的学校；学校更名前的名称也可识别",
       .fill_from_option = "--school",
       .width = 22},
      {.header = "院系", .accepted = "院系名称", .width = 20},
      {.header = "学历层次",
       .accepted = "博士、硕士、本科、专科 之一",
       .rules = "从下拉列表中选择",
       .choices = {"博士", "硕士", "本科", "专科", nullptr},
       .width = 10},
      {.header = "专业", .accepted = "专业名称，如 法律（非法学）", .width = 20},
      {.header = "届别",
       .accepted = "毕业年份，四位数字，如 2026",
       .rules = "四位年份",
       .fill_from_option = "--cohort",
       .text = true,
       .width = 8},
      {.header = "培养方式",
       .accepted = "非定向、定向、委培 之一",
       .rules = "定向、委培毕业生不能网上签约",
       .choices = {"非定向", "定向", "委培", nullptr},
       .width = 10},
      {.header = "学号",
       .accepted = "学校编的学号",
       .rules = "本列为文本格式，保留开头的 0",
       .text = true,
       .width = 14},
      {.header = "性别",
       .accepted = "男 或 女",
       .rules = "须与身份证号第 17 位一致",
       .choices = {"男", "女", nullptr},
       .width = 8},
      {.header = "手机号码",
       .accepted = "11 位手机号码，以 1 开头",
       .rules = "只写数字，不加 +86、空格或横线",
       .text = true,
       .prompt = "11 位数字，以 1 开头",
       .width = 14},
      {.header = "电子邮箱",
       .accepted = "电子邮箱地址，如 name@example.edu.cn",
       .rules = "形如 用户名@域名.后缀",
       .width = 24},
  };
  return guides;
}

const ColumnGuide* find_guide(const std::string& header) {
  for (const ColumnGuide& guide : column_guides()) {
    if (guide.header == header) return &guide;
  }
  return nullptr;
}

// Writes to a temporary file beside `file` and renames it over `file` on success.
class TemplateBook {
 public:
  explicit TemplateBook(const fs::path& file) : file_(file), partial_(start_partial_file(file)) {
    workbook_ = workbook_new(partial_.c_str());
    if (workbook_ == nullptr) fail("cannot start the workbook", LXW_ERROR_MEMORY_MALLOC_FAILED);
  }
  ~TemplateBook() {
    if (workbook_ != nullptr) lxw_workbook_free(workbook_);
    std::error_code ignored;
    fs::remove(partial_, ignored);
  }
  TemplateBook(const TemplateBook&) = delete;
  TemplateBook& operator=(const TemplateBook&) = delete;

  lxw_workbook* get() { return workbook_; }

  lxw_worksheet* add_sheet(const char* name) {
    lxw_worksheet* sheet = workbook_add_worksheet(workbook_, name);
    if (sheet == nullptr)
      fail(std::string("cannot add the sheet ") + name, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return sheet;
  }

  void check(lxw_error error, const std::string& what) {
    if (error != LXW_NO_ERROR) fail(what, error);
  }

  void close() {
    lxw_error error = workbook_close(workbook_);  // frees the workbook
    workbook_ = nullptr;
    check(error, "cannot finish the workbook");
    std::error_code ec;
    fs::rename(partial_, file_, ec);
    if (ec) throw Error::io("cannot write " + file_.string() + ": " + ec.message(), ec.value());
  }

 private:
  [[noreturn]] void fail(const std::string& what, lxw_error error) {
    throw Error::io("cannot write " + file_.string() + ": " + what + ": " + lxw_strerror(error));
  }

  fs::path file_;
  fs::path partial_;
  lxw_workbook* workbook_ = nullptr;
};

void add_roster_sheet(TemplateBook& book, const std::vector<RosterField>& fields) {
  lxw_worksheet* sheet = book.add_sheet(kRosterSheet);
  lxw_format* header = workbook_add_format(book.get());
  format_set_bold(header);
  lxw_format* text = workbook_add_format(book.get());
  format_set_num_format_index(text, 49);  // "@": what Excel calls 文本

  for (std::size_t i = 0; i < fields.size(); ++i) {
    const RosterField& field = fields[i];
    const ColumnGuide* guide = find_guide(field.header);
    auto col = static_cast<lxw_col_t>(i);
    // A column format rather than formatted blank cells: every row a school fills in is text,
    // and the template has no phantom rows for the importer to count.
    book.check(worksheet_set_column(sheet, col, col, guide ? guide->width : 14,
                                    guide && guide->text ? text : nullptr),
               "column " + field.header);
    book.check(worksheet_write_string(sheet, 0, col, field.header.c_str(), header),
               "header " + field.header);
    if (guide == nullptr) continue;

    lxw_data_validation validation{};
    if (!guide->choices.empty()) {
      validation.validate = LXW_VALIDATION_TYPE_LIST;
      validation.value_list = const_cast<char**>(guide->choices.data());
      validation.error_title = const_cast<char*>("请从下拉列表中选择");
      std::string message = std::string(guide->accepted);
      validation.error_message = message.data();
      book.check(worksheet_data_validation_range(sheet, 1, col, LXW_ROW_MAX - 1, col, &validation),
                 "drop-down list of " + field.header);
    } else if (!guide->prompt.empty()) {
      validation.validate = LXW_VALIDATION_TYPE_ANY;
      std::string title(guide->header);
      std::string message(guide->prompt);
      validation.input_title = title.data();
      validation.input_message = message.data();
      book.check(worksheet_data_validation_range(sheet, 1, col, LXW_ROW_MAX - 1, col, &validation),
                 "input message of " + field.header);
    }
  }
  worksheet_freeze_panes(sheet, 1, 0);
}

void add_guide_sheet(TemplateBook& book, const std::vector<RosterField>& fields) {
  lxw_worksheet* sheet = book.add_sheet(kGuideSheet);
  lxw_format* header = workbook_add_format(book.get());
  format_set_bold(header);
  lxw_format* wrap = workbook_add_format(book.get());
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* note = workbook_add_format(book.get());  // not wrapped: runs on over empty cells

  const double widths[] = {12, 30, 44, 60};
  const char* titles[] = {"列名", "是否必填", "可填写的内容", "规则"};
  for (lxw_col_t col = 0; col < 4; ++col) {
    book.check(worksheet_set_column(sheet, col, col, widths[col], wrap), "guide column");
    book.check(worksheet_write_string(sheet, 0, col, titles[col], header), "guide header");
  }
  lxw_row_t row = 1;
  for (const RosterField& field : fields) {
    const ColumnGuide* guide = find_guide(field.header);
    std::string required = field.required ? "必填" : "选填";
    if (guide && !guide->fill_from_option.empty()) {
      required +=
          "（整表相同时可不填本列，导入时用 " + std::string(guide->fill_from_option) + " 指定）";
    }
    std::string accepted = guide ? std::string(guide->accepted) : "";
    std::string rules = guide ? std::string(guide->rules) : "";
    const std::string* cells[] = {&field.header, &required, &accepted, &rules};
    for (lxw_col_t col = 0; col < 4; ++col) {
      if (cells[col]->empty()) continue;
      book.check(worksheet_write_string(sheet, row, col, cells[col]->c_str(), wrap),
                 "guide row " + field.header);
    }
    ++row;
  }
  std::string text_columns;
  for (const ColumnGuide& guide : column_guides()) {
    if (guide.text) text_columns += (text_columns.empty() ? "" : "、") + std::string(guide.header);
  }
  const std::string notes[] = {
      "第一行是表头，请勿修改或删除列名；从第二行起每行一名毕业生，不要填写示例行。",
      text_columns + " 已设为文本格式；从别处粘贴时请选择“只粘贴数值”，以免带入数值格式。",
      "也可另存为 CSV（UTF-8 或 GBK 编码）后导入。",
  };
  ++row;
  for (const std::string& line : notes) {
    book.check(worksheet_write_string(sheet, row++, 0, line.c_str(), note), "guide note");
  }
  worksheet_freeze_panes(sheet, 1, 0);
}

}  // namespace

void write_roster_template(const std::filesystem::path& file) {
  const std::vector<RosterField>& fields = roster_fields();
  TemplateBook book(file);
  add_roster_sheet(book, fields);
  add_guide_sheet(book, fields);
  book.close();
}

}  // namespace ncss
