#include "ncss/agreement.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "agreement_impl.hpp"
#include "destination_impl.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/pdf_writer.hpp"
#include "ncss/signing_state.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace detail {
// Generated at configure time from templates/agreement.json (see CMakeLists.txt).
extern const char* const kDefaultAgreementTemplate;
extern const std::vector<std::pair<const char*, const char*>> kRetiredAgreementTemplates;
}  // namespace detail

namespace {

using nlohmann::json;

// A line to write on, in the blank paper form.
constexpr const char* kWriteHere = "＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿";
constexpr const char* kDefaultVerificationNote =
    "本协议的真伪可凭上方验证码或下方二维码核验（ncssctl agreement verify）。";
// 3 pt = 3 pixels at 72 dpi: every module lands on whole pixels of a 72-dpi scan.
constexpr double kQrModulePoints = 3;

std::string text_at(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

// The field keys of each section, in order, with their default labels.
using Labels = std::vector<std::pair<std::string, std::string>>;
const std::vector<std::pair<std::string, Labels>>& section_fields() {
  static const std::vector<std::pair<std::string, Labels>> all = {
      {"number", {{"agreement_no", "协议编号"}, {"state", "协议状态"}}},
      {"employer",
       {{"name", "单位名称"},
        {"credit_code", "统一社会信用代码"},
        {"nature", "单位性质"},
        {"industry", "网签所属行业"},
        {"address", "地址"},
        {"contact", "签约联系人"},
        {"contact_phone", "联系电话"}}},
      {"graduate",
       {{"name", "姓名"},
        {"gender", "性别"},
        {"id_number", "身份证号"},
        {"degree_level", "学历层次"},
        {"major", "专业"},
        {"training_mode", "培养方式"},
        {"department", "院系"},
        {"cohort", "届别"}}},
      {"school",
       {{"name", "学校名称"},
        {"code", "学校代码"},
        {"reviewed_at", "审核时间"},
        {"reviewed_by", "审核人"}}},
      {"job", {{"category", "职位类别"}, {"position", "岗位名称"}, {"work_location", "工作地点"}}},
      {"archive",
       {{"receipt_type", "档案接收类型"},
        {"forward_unit", "档案转寄单位"},
        {"address", "档案接收地址"},
        {"contact", "档案接收联系人"},
        {"phone", "联系电话"},
        {"postcode", "邮政编码"}}},
      {"hukou", {{"address", "户口迁移地址"}}},
      {"clauses", {}},
      {"terms", {}},
      {"verification", {{"code", "验证码"}}},
  };
  return all;
}

const Labels* fields_of(const std::string& section) {
  for (const auto& [name, labels] : section_fields()) {
    if (name == section) return &labels;
  }
  return nullptr;
}

std::string section_names() {
  std::string out;
  for (const auto& [name, labels] : section_fields()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// 1-based line and column of a 1-based byte position.
std::string line_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// The 1-based line where each element of the top-level "sections" array starts (the last such
// key, as the parser keeps), so that a section's error names its line: nlohmann::json keeps no
// positions. `text` has parsed as JSON.
std::vector<std::size_t> section_lines(const std::string& text) {
  std::vector<std::size_t> lines, current;
  std::size_t line = 1;
  int depth = 0;
  bool in_string = false, escape = false;
  std::string string, key;  // the string being read; the top level's last key
  bool in_sections = false, expect_element = false;
  for (char c : text) {
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1) key = string;
      } else {
        string += c;
      }
      if (c == '\n') ++line;
      continue;
    }
    if (c == '\n') {
      ++line;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (in_sections && depth == 2 && expect_element && c != ']') {
      current.push_back(line);
      expect_element = false;
    }
    switch (c) {
      case '"':
        in_string = true;
        string.clear();
        break;
      case '{':
      case '[':
        if (c == '[' && depth == 1 && key == "sections") {
          in_sections = true;
          expect_element = true;
          current.clear();
        }
        ++depth;
        break;
      case '}':
      case ']':
        --depth;
        if (in_sections && depth == 1) {
          in_sections = false;
          lines = current;
        }
        break;
      case ',':
        if (in_sections && depth == 2) expect_element = true;
        if (depth == 1) key.clear();
        break;
      default:
        break;
    }
  }
  return lines;
}

[[noreturn]] void refuse(const std::string& source, const std::string& problem) {
  throw Error::invalid_input("agreement template " + source + ": " + problem);
}

// A text of the template as the PDF draws it: a paragraph (clauses, note, signatures) keeps its
// line breaks (CR LF as LF), a title, heading or label is one line; control and invisible
// characters, which the PDF would draw as 〓, are refused as in any field typed or read.
std::string template_text(const std::string& text, TextLines lines, const std::string& source,
                          const std::string& where, const std::string& what) {
  if (auto found = find_refused_character(text, lines)) {
    refuse(source, where + ": " + refused_character_message(what, *found, lines));
  }
  return checked_text(text, what, lines);
}

std::string string_member(const json& object, const char* key, const std::string& source,
                          const std::string& where, bool required,
                          TextLines lines = TextLines::Single) {
  auto it = object.find(key);
  if (it == object.end()) {
    if (required) refuse(source, where + " has no \"" + key + "\"");
    return "";
  }
  if (!it->is_string()) refuse(source, where + ": \"" + key + "\" must be a string");
  return template_text(it->get<std::string>(), lines, source, where,
                       "\"" + std::string(key) + "\"");
}

std::vector<std::string> clause_list(const json& item, const char* key, const std::string& source,
                                     const std::string& where, bool required) {
  std::vector<std::string> out;
  auto it = item.find(key);
  if (it == item.end() && !required) return out;
  if (it == item.end() || !it->is_array() || it->empty()) {
    refuse(source, where + ": \"" + key + "\" must be a non-empty list of strings");
  }
  for (const auto& c : *it) {
    if (!c.is_string() || c.get<std::string>().empty()) {
      refuse(source, where + ": every clause of \"" + key + "\" must be a non-empty string");
    }
    out.push_back(
        template_text(c.get<std::string>(), TextLines::Multi, source, where,
                      "clause " + std::to_string(out.size() + 1) + " of \"" + key + "\""));
  }
  return out;
}

AgreementSection parse_section(const json& item, std::size_t index, std::size_t line,
                               const std::string& source) {
  const std::string number = "section " + std::to_string(index + 1);
  const std::string at_line = line != 0 ? "line " + std::to_string(line) : "";
  std::string where = number + (at_line.empty() ? "" : " (" + at_line + ")");
  if (!item.is_object()) refuse(source, where + " must be an object");
  AgreementSection s;
  s.name = string_member(item, "section", source, where, true);
  const Labels* fields = fields_of(s.name);
  if (fields == nullptr) {
    refuse(source, where + ": unknown section \"" + s.name + "\" (known: " + section_names() + ")");
  }
  where = number + " (" + s.name + (at_line.empty() ? "" : ", " + at_line) + ")";
  for (const auto& [key, value] : item.items()) {
    if (key != "section" && key != "heading" && key != "labels" &&
        !((key == "clauses" || key == "paper_clauses") && s.name == "clauses") &&
        !(key == "empty" && s.name == "terms") && !(key == "note" && s.name == "verification")) {
      refuse(source, where + ": unknown key \"" + key + "\"");
    }
  }
  s.heading = string_member(item, "heading", source, where, false);
  for (const auto& [key, label] : *fields) s.labels[key] = label;
  if (auto it = item.find("labels"); it != item.end()) {
    if (!it->is_object()) refuse(source, where + ": \"labels\" must be an object");
    for (const auto& [key, value] : it->items()) {
      if (!s.labels.contains(key)) {
        std::string known;
        for (const auto& [k, l] : *fields) known += (known.empty() ? "" : ", ") + k;
        refuse(source, where + ": unknown label \"" + key +
                           "\" (known: " + (known.empty() ? "none" : known) + ")");
      }
      if (!value.is_string()) refuse(source, where + ": label \"" + key + "\" must be a string");
      s.labels[key] = template_text(value.get<std::string>(), TextLines::Single, source, where,
                                    "label \"" + key + "\"");
    }
  }
  if (s.name == "clauses") {
    s.clauses = clause_list(item, "clauses", source, where, true);
    s.paper_clauses = clause_list(item, "paper_clauses", source, where, false);
    if (s.paper_clauses.empty()) s.paper_clauses = s.clauses;
  }
  if (s.name == "verification") {
    s.note = string_member(item, "note", source, where, false, TextLines::Multi);
    if (item.find("note") == item.end()) s.note = kDefaultVerificationNote;
  }
  if (s.name == "terms") {
    s.empty = string_member(item, "empty", source, where, false, TextLines::Multi);
  }
  return s;
}

std::string cst(const std::string& stored) {
  auto t = parse_time(stored);
  return t ? format_cst(*t) : stored;
}

std::string code_and_name(const std::string& code, const std::string& name) {
  if (code.empty()) return name;
  return name.empty() ? code : code + " " + name;
}

// The value of a section's field.
std::string field_value(const Agreement& a, const std::string& section, const std::string& key) {
  const auto& e = a.employer;
  const auto& g = a.graduate;
  const auto& r = a.archive;
  if (section == "number") return key == "agreement_no" ? a.agreement_no : a.state_name;
  if (section == "employer") {
    if (key == "name") return e.name;
    if (key == "credit_code") return e.credit_code;
    if (key == "nature") return code_and_name(e.nature_code, e.nature_name);
    if (key == "industry") return code_and_name(e.industry_code, e.industry_name);
    if (key == "address") return e.address;
    if (key == "contact") return e.contact;
    return e.contact_phone;
  }
  if (section == "graduate") {
    if (key == "name") return g.name;
    if (key == "gender") return g.gender;
    if (key == "id_number") return g.id_number;
    if (key == "degree_level") return g.degree_level;
    if (key == "major") return g.major;
    if (key == "training_mode") return g.training_mode;
    if (key == "department") return g.department;
    return std::to_string(g.cohort) + "届";
  }
  if (section == "school") {
    if (key == "name") return a.school.name;
    if (key == "code") return a.school.code;
    if (key == "reviewed_at") return cst(a.school.reviewed_at);
    return a.school.reviewed_by;
  }
  if (section == "job") {
    if (key == "category") return code_and_name(a.job.category_code, a.job.category_name);
    if (key == "position") return a.job.position;
    return a.job.work_location;
  }
  if (section == "archive") {
    if (key == "receipt_type") return code_and_name(r.receipt_type_code, r.receipt_type_name);
    if (key == "forward_unit") return r.forward_unit;
    if (key == "address") return r.address;
    if (key == "contact") return r.contact;
    if (key == "phone") return r.phone;
    return r.postcode;
  }
  return a.hukou_address;  // hukou
}

}  // namespace

Agreement load_agreement(Store& store, std::int64_t invitation_id) {
  return detail::load_agreement(database(store), invitation_id);
}

Agreement detail::load_agreement(SQLite::Database& db, std::int64_t invitation_id) {
  SQLite::Statement q(db,
                      "SELECT i.state, coalesce(i.agreement_no, ''), coalesce(i.snapshot, '{}'), "
                      "i.archive, i.hukou, coalesce(i.reviewed_at, ''), "
                      "coalesce(i.reviewed_by, ''), coalesce(i.verification_code, '') "
                      "FROM invitations i WHERE i.id = :id");
  q.bind(":id", invitation_id);
  if (!q.executeStep()) throw Error::not_found("invitation", std::to_string(invitation_id));
  Agreement a;
  a.invitation_id = invitation_id;
  a.state = q.getColumn(0).getString();
  a.agreement_no = q.getColumn(1).getString();
  auto state = parse_signing_state(a.state);
  bool agreed = state && (*state == SigningState::Signed || *state == SigningState::Terminating ||
                          *state == SigningState::Terminated || *state == SigningState::Voided);
  if (a.agreement_no.empty() || !agreed) {
    throw Error::invalid_transition(
        "invitation " + std::to_string(invitation_id) + " has no agreement: it is " +
        (state ? std::string(signing_state_label(*state)) : a.state) +
        ", never approved by the school (an agreement exists once a signing is approved)");
  }
  a.state_name = std::string(signing_state_label(*state));
  json snap = json::parse(q.getColumn(2).getString(), nullptr, false);
  if (snap.is_discarded() || !snap.is_object()) {
    throw Error::internal("invitation " + std::to_string(invitation_id) +
                          " has an unreadable snapshot");
  }
  const json empty = json::object();
  const json& e = snap.contains("employer") ? snap["employer"] : empty;
  const json& g = snap.contains("graduate") ? snap["graduate"] : empty;
  const json& j = snap.contains("job") ? snap["job"] : empty;
  a.employer = {
      text_at(e, "name"),        text_at(e, "credit_code"),   text_at(e, "nature_code"),
      text_at(e, "nature_name"), text_at(e, "industry_code"), text_at(e, "industry_name"),
      text_at(e, "address"),     text_at(j, "contact"),       text_at(j, "contact_phone")};
  a.graduate = {text_at(g, "name"),       text_at(g, "gender"),
                text_at(g, "id_number"),  text_at(g, "degree_level"),
                text_at(g, "major"),      text_at(g, "training_mode"),
                text_at(g, "department"), 0};
  if (g.contains("cohort") && g["cohort"].is_number_integer()) {
    a.graduate.cohort = g["cohort"].get<int>();
  }
  a.school = {text_at(g, "school_name"), text_at(g, "school_code"), text_at(snap, "reviewed_at"),
              text_at(snap, "reviewed_by")};
  if (a.school.reviewed_at.empty()) a.school.reviewed_at = q.getColumn(5).getString();
  if (a.school.reviewed_by.empty()) a.school.reviewed_by = q.getColumn(6).getString();
  a.job = {text_at(j, "category_code"), text_at(j, "category_name"), text_at(j, "position"),
           text_at(j, "work_location")};
  // Archive and hukou never change after approval; the snapshot holds them too.
  json archive = snap.contains("archive") ? snap["archive"]
                                          : json::parse(q.getColumn(3).getString(), nullptr, false);
  json hukou = snap.contains("hukou") ? snap["hukou"]
                                      : json::parse(q.getColumn(4).getString(), nullptr, false);
  a.archive.receipt_type_code = text_at(archive, "receipt_type");
  a.archive.forward_unit = text_at(archive, "forward_unit");
  a.archive.address = text_at(archive, "address");
  a.archive.contact = text_at(archive, "contact");
  a.archive.phone = text_at(archive, "phone");
  a.archive.postcode = text_at(archive, "postcode");
  if (!a.archive.receipt_type_code.empty()) {
    SQLite::Statement n(db, "SELECT name FROM archive_receipt_types WHERE code = :c");
    n.bind(":c", a.archive.receipt_type_code);
    if (n.executeStep()) a.archive.receipt_type_name = n.getColumn(0).getString();
  }
  a.hukou_address = text_at(hukou, "address");
  a.terms = text_at(snap, "terms");
  a.verification_code = q.getColumn(7).getString();
  return a;
}

std::vector<std::int64_t> agreement_ids(Store& store, const AgreementFilter& filter) {
  if (filter.state != "signed" && filter.state != "terminating") {
    throw Error::invalid_input("--state " + filter.state +
                               ": agreement PDFs are made of agreements in force only, signed "
                               "(已签约) or terminating (解约中)");
  }
  // A school named by code, name or former name; one that names nothing is NotFound (exit 2), as
  // every other --school, not an empty batch.
  const std::string school = school_filter_code(database(store), filter.school_code);
  SQLite::Statement q(database(store),
                      "SELECT i.id FROM invitations i JOIN graduates g ON g.id = i.graduate_id "
                      "WHERE i.state = :state AND i.agreement_no IS NOT NULL "
                      "AND (:school = '' OR g.school_code = :school) "
                      "AND (:cohort = 0 OR g.cohort = :cohort) "
                      "AND (:employer = '' OR i.employer_code = :employer) ORDER BY i.id");
  q.bind(":state", filter.state);
  q.bind(":school", school);
  q.bind(":cohort", filter.cohort);
  q.bind(":employer", employer_filter_code(database(store), filter.employer_code));
  std::vector<std::int64_t> ids;
  while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
  return ids;
}

AgreementTemplate parse_agreement_template(const std::string& json_text,
                                           const std::string& source) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ..."
    auto colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    refuse(source, "not valid JSON at " + line_column(json_text, e.byte) + ": " + detail);
  } catch (const json::out_of_range& e) {
    // A number beyond a double ("1e999") is out_of_range 406, not a parse_error (found by
    // fuzzing): it escaped as a json exception. "[json.exception.out_of_range.406] number ..."
    std::string what = e.what();
    auto bracket = what.find("] ");
    refuse(source,
           "not valid JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2)));
  }
  if (!doc.is_object()) refuse(source, "the top level must be an object");
  for (const auto& [key, value] : doc.items()) {
    if (key != "title" && key != "paper_title" && key != "signatures" && key != "sections") {
      refuse(source, "unknown key \"" + key + "\"");
    }
  }
  AgreementTemplate t;
  t.source = source;
  t.title = string_member(doc, "title", source, "the template", true);
  t.paper_title = string_member(doc, "paper_title", source, "the template", false);
  if (t.paper_title.empty()) t.paper_title = t.title;
  t.signatures = string_member(doc, "signatures", source, "the template", false, TextLines::Multi);
  auto sections = doc.find("sections");
  if (sections == doc.end() || !sections->is_array() || sections->empty()) {
    refuse(source, "\"sections\" must be a non-empty list");
  }
  std::set<std::string> seen;
  const auto lines = section_lines(json_text);
  for (std::size_t i = 0; i < sections->size(); ++i) {
    const std::size_t line = i < lines.size() ? lines[i] : 0;
    AgreementSection s = parse_section((*sections)[i], i, line, source);
    if (!seen.insert(s.name).second) {
      refuse(source, "section \"" + s.name + "\" appears twice" +
                         (line != 0 ? " (again at line " + std::to_string(line) + ")" : ""));
    }
    t.sections.push_back(std::move(s));
  }
  if (!seen.contains("number")) {  // every agreement carries its 协议编号 (DOMAIN), first
    AgreementSection n;
    n.name = "number";
    for (const auto& [key, label] : *fields_of("number")) n.labels[key] = label;
    t.sections.insert(t.sections.begin(), std::move(n));
  }
  if (!seen.contains("verification")) {  // every agreement carries its code
    AgreementSection v;
    v.name = "verification";
    for (const auto& [key, label] : *fields_of("verification")) v.labels[key] = label;
    v.note = kDefaultVerificationNote;
    t.sections.push_back(std::move(v));
  }
  return t;
}

const AgreementTemplate& default_agreement_template() {
  static const AgreementTemplate t = parse_agreement_template(
      detail::kDefaultAgreementTemplate, "templates/agreement.json (built in)");
  return t;
}

const std::vector<AgreementTemplate>& retired_agreement_templates() {
  static const std::vector<AgreementTemplate> all = [] {
    std::vector<AgreementTemplate> v;
    for (const auto& [name, text] : detail::kRetiredAgreementTemplates) {
      v.push_back(parse_agreement_template(text, std::string(name) + " (built in)"));
    }
    return v;
  }();
  return all;
}

AgreementTemplate load_agreement_template(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw Error::io("cannot read agreement template " + file.string() + ": it is a directory");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error::io("cannot read agreement template " + file.string(), errno);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_agreement_template(text.str(), file.string());
}

std::vector<AgreementBlock> agreement_blocks(const Agreement& a, const AgreementTemplate& layout,
                                             AgreementView view) {
  using K = AgreementBlock::Kind;
  const bool blank = view == AgreementView::Blank;
  std::vector<AgreementBlock> out;
  out.push_back({K::Title, "", blank ? layout.paper_title : layout.title, "title"});
  for (const auto& s : layout.sections) {
    if (blank && s.name == "verification") continue;  // paper is proved by its stamps
    if (!s.heading.empty()) out.push_back({K::Heading, "", s.heading, s.name + ".heading"});
    if (s.name == "clauses") {
      for (const auto& c : blank ? s.paper_clauses : s.clauses)
        out.push_back({K::Paragraph, "", c, "clauses"});
      continue;
    }
    if (s.name == "terms") {
      out.push_back({K::Paragraph, "",
                     blank             ? kWriteHere
                     : a.terms.empty() ? s.empty
                                       : a.terms,
                     "terms"});
      continue;
    }
    const Labels* fields = fields_of(s.name);
    if (fields == nullptr) refuse(layout.source, "unknown section \"" + s.name + "\"");
    for (const auto& [key, default_label] : *fields) {
      if (s.name == "number" && key == "state" &&
          (view != AgreementView::Text || a.state == "signed")) {
        continue;
      }
      auto label = s.labels.find(key);
      std::string value =
          s.name == "verification" ? a.verification_code : field_value(a, s.name, key);
      if (blank && value.empty()) value = kWriteHere;
      out.push_back({K::Field, label == s.labels.end() ? default_label : label->second, value,
                     s.name + "." + key});
    }
    if (s.name == "verification") {
      if (!s.note.empty()) out.push_back({K::Paragraph, "", s.note, "verification.note"});
      if (view == AgreementView::Document) {
        out.push_back({K::QrCode, "", verification_qr_text(a), "verification.qr_code"});
      }
    }
  }
  if (blank && !layout.signatures.empty()) {
    out.push_back({K::Paragraph, "", layout.signatures, "signatures"});
  }
  return out;
}

std::string agreement_text(const Agreement& a, const AgreementTemplate& layout) {
  std::string out;
  for (const auto& b : agreement_blocks(a, layout, AgreementView::Text)) {
    switch (b.kind) {
      case AgreementBlock::Kind::QrCode:
        break;
      case AgreementBlock::Kind::Title:
        out += b.text + "\n";
        break;
      case AgreementBlock::Kind::Heading:
        out += "\n" + b.text + "\n";
        break;
      case AgreementBlock::Kind::Field:
        out += "  " + b.label + "：" + b.text + "\n";
        break;
      case AgreementBlock::Kind::Paragraph:
        out += "  " + b.text + "\n";
        break;
    }
  }
  return out;
}

Timestamp agreement_time(const Agreement& a) {
  auto t = parse_time(a.school.reviewed_at);
  return t ? *t : Timestamp{};
}

namespace {

// One line per field of `blocks` with characters the font cannot show: the field, each
// character (U+XXXX) and how often, never the field's whole text.
std::vector<std::string> unshowable_fields(const std::vector<AgreementBlock>& blocks,
                                           const std::string& whose) {
  const CjkFont& font = CjkFont::standard();
  const std::string mark = showable_text(font, "\xE3\x80\x93");  // 〓, or '?' without it
  std::vector<std::string> fields;                               // in order of appearance
  std::map<std::string, std::vector<std::pair<std::string, int>>> found;
  for (const auto& b : blocks) {
    if (b.kind == AgreementBlock::Kind::QrCode) continue;
    std::vector<PdfWarning> marked;
    showable_text(font, b.label, &marked);
    showable_text(font, b.text, &marked);
    if (marked.empty()) continue;
    const std::string where = b.label.empty() ? b.field : b.field + " (" + b.label + ")";
    auto [it, added] = found.try_emplace(where);
    if (added) fields.push_back(where);
    for (const auto& m : marked) {
      auto same = std::find_if(it->second.begin(), it->second.end(),
                               [&](const auto& p) { return p.first == m.problem; });
      if (same == it->second.end()) {
        it->second.push_back({m.problem, 1});
      } else {
        ++same->second;
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& where : fields) {
    std::string problems;
    for (const auto& [problem, count] : found[where]) {
      problems += (problems.empty() ? "" : "; ") + problem +
                  (count > 1 ? " (" + std::to_string(count) + " times)" : "");
    }
    out.push_back(whose + ": " + where + ": " + problems + "; drawn as " + mark);
  }
  return out;
}

std::string render_pdf(const std::vector<AgreementBlock>& blocks, const std::string& title,
                       Timestamp created, const std::string& whose,
                       std::vector<std::string>* warnings) {
  PdfOptions options;
  options.created = created;
  options.title = title;
  options.unshowable = UnshowableText::Mark;  // a signed agreement is always printable
  PdfDocument pdf(CjkFont::standard(), options);
  if (warnings != nullptr) {
    auto lines = unshowable_fields(blocks, whose);
    warnings->insert(warnings->end(), lines.begin(), lines.end());
  }
  for (const auto& b : blocks) {
    switch (b.kind) {
      case AgreementBlock::Kind::Title:
        pdf.heading(b.text);
        pdf.space(6);
        break;
      case AgreementBlock::Kind::Heading:
        pdf.space(8);
        pdf.paragraph(b.text);
        break;
      case AgreementBlock::Kind::Field:
        pdf.field(b.label, b.text);
        break;
      case AgreementBlock::Kind::Paragraph:
        pdf.paragraph(b.text);
        break;
      case AgreementBlock::Kind::QrCode:
        pdf.space(6);
        pdf.qr_code(b.text, kQrModulePoints);
        break;
    }
  }
  return pdf.bytes();
}

}  // namespace

std::string agreement_pdf(const Agreement& a, const AgreementTemplate& layout, Timestamp created,
                          std::vector<std::string>* warnings) {
  if (a.state == "terminated" || a.state == "voided") {
    throw Error::invalid_transition("agreement " + a.agreement_no + " (invitation " +
                                    std::to_string(a.invitation_id) + ") is " + a.state_name +
                                    ": it is no longer in force; `agreement show` prints it");
  }
  if (a.verification_code.empty()) {
    throw Error::internal("agreement " + a.agreement_no + " has no verification code");
  }
  return render_pdf(
      agreement_blocks(a, layout, AgreementView::Document),
      "Employment agreement " + a.agreement_no, created,
      "agreement " + a.agreement_no + " (invitation " + std::to_string(a.invitation_id) + ")",
      warnings);
}

void write_agreement_pdf(const Agreement& a, const AgreementTemplate& layout,
                         const std::filesystem::path& out, Timestamp created,
                         std::vector<std::string>* warnings) {
  write_file_atomically(out, agreement_pdf(a, layout, created, warnings));
}

std::string blank_agreement_pdf(const Agreement& blank, const AgreementTemplate& layout,
                                Timestamp created, std::vector<std::string>* warnings) {
  return render_pdf(agreement_blocks(blank, layout, AgreementView::Blank),
                    "Employment agreement (offline signing)", created,
                    "the paper form of graduate " + mask_resident_id(blank.graduate.id_number),
                    warnings);
}

Agreement blank_agreement(Store& store, std::int64_t graduate_id) {
  auto& db = database(store);
  SQLite::Statement q(db,
                      "SELECT g.name, g.gender, g.id_number, coalesce(d.name, ''), g.major, "
                      "g.training_mode, g.department, g.cohort, s.name, s.code, g.status "
                      "FROM graduates g JOIN schools s ON s.code = g.school_code "
                      "LEFT JOIN degree_levels d ON d.code = g.degree_level WHERE g.id = :id");
  q.bind(":id", graduate_id);
  if (!q.executeStep()) throw Error::not_found("graduate", std::to_string(graduate_id));
  Agreement a;
  a.state = "blank";
  a.graduate = {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                q.getColumn(6).getString(), q.getColumn(7).getInt()};
  a.school.name = q.getColumn(8).getString();
  a.school.code = q.getColumn(9).getString();
  const std::string who = "the graduate " + mask_resident_id(a.graduate.id_number);
  if (q.getColumn(10).getString() != "valid") {
    throw Error::invalid_transition(who +
                                    " is removed from the roster (invalid): no agreement "
                                    "can be signed until the school restores the record");
  }
  if (a.graduate.training_mode != "非定向") {
    throw Error::invalid_transition(who + " is " + a.graduate.training_mode +
                                    ": 定向/委培 graduates sign no employment agreement; they "
                                    "register 定向/委培毕业去向补充登记 (register targeted)");
  }
  if (auto live = live_destination(db, graduate_id)) {
    bool offline = false;
    if (live->kind == "registration") {
      SQLite::Statement k(db, "SELECT kind FROM registrations WHERE id = :id");
      k.bind(":id", live->id);
      offline = k.executeStep() && k.getColumn(0).getString() == "offline";
    }
    if (!offline)
      throw Error::invalid_transition(live_destination_message(a.graduate.id_number, *live));
  }
  return a;
}

std::string agreement_file_name(const Agreement& a) {
  std::string raw = a.agreement_no + "_" + a.graduate.name;
  std::string clean;
  for (unsigned char c : raw) {
    if (c == '/' || c == '\\' || c < 0x20 || c == 0x7F) continue;
    clean += static_cast<char>(c);
  }
  std::size_t start = clean.find_first_not_of(". ");
  clean = start == std::string::npos ? "" : clean.substr(start);
  constexpr std::size_t kMaxBytes = 200;
  if (clean.size() > kMaxBytes) {
    std::size_t cut = kMaxBytes;
    while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80) --cut;
    clean.resize(cut);
  }
  if (clean.empty()) clean = "agreement_" + std::to_string(a.invitation_id);
  return clean + ".pdf";
}

}  // namespace ncss
