// Verification codes of agreements (HMAC-SHA256 under the database's secret), `agreement verify`
// of a code or of a PDF (its text read back with poppler), and the batch PDF writer.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "agreement_impl.hpp"
#include "ncss/agreement.hpp"
#include "ncss/error.hpp"
#include "ncss/pdf_writer.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::uintmax_t kMaxPdfBytes = 64u << 20;  // an agreement is tens of KB

std::string secret(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT value FROM secrets WHERE name = 'agreement_hmac'");
  if (!q.executeStep()) {
    throw Error::storage("the database has no agreement verification secret (table secrets)");
  }
  const auto* data = static_cast<const char*>(q.getColumn(0).getBlob());
  return std::string(data, static_cast<std::size_t>(q.getColumn(0).getBytes()));
}

std::string code_of(const std::string& key, const Agreement& a) {
  const std::string message = canonical_agreement(a);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
           &length) == nullptr ||
      length < 10) {
    throw Error::internal("OpenSSL could not compute an HMAC-SHA256");
  }
  // 80 bits = 16 base32 characters, five bits at a time from the most significant.
  std::string code;
  unsigned buffer = 0;
  int bits = 0;
  for (int i = 0; i < 10; ++i) {
    buffer = (buffer << 8) | mac[i];
    bits += 8;
    while (bits >= 5) {
      code += kBase32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  std::string grouped;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 4 == 0) grouped += '-';
    grouped += code[i];
  }
  return grouped;
}

// The 16 characters of a code at the start of `text` (any case; a dash or a space between
// groups), grouped, and how many bytes it took; nullopt when `text` does not start with one.
std::optional<std::pair<std::string, std::size_t>> code_at(const std::string& text) {
  static const std::regex grouped(
      "[A-Z2-7]{4}[- ]?[A-Z2-7]{4}[- ]?[A-Z2-7]{4}[- ]?[A-Z2-7]{4}(?![A-Z0-9])");
  std::smatch m;
  if (!std::regex_search(text, m, grouped, std::regex_constants::match_continuous)) {
    return std::nullopt;
  }
  std::string code;
  for (char c : m.str()) {
    if (c == '-' || c == ' ') continue;
    if (!code.empty() && code.size() % 5 == 4) code += '-';
    code += c;
  }
  return std::pair{code, static_cast<std::size_t>(m.length(0))};
}

// The 16 characters of a code in `text` (any case; dashes and spaces between groups), grouped.
std::optional<std::string> find_code(const std::string& text) {
  std::string upper = text;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::regex grouped("[A-Z2-7]{4}[- ]?[A-Z2-7]{4}[- ]?[A-Z2-7]{4}[- ]?[A-Z2-7]{4}");
  std::smatch m;
  // After the label when there is one (the QR code's text, a pasted line of the PDF).
  std::size_t label = upper.find("验证码");
  std::string where = label == std::string::npos ? upper : upper.substr(label);
  if (!std::regex_search(where, m, grouped)) return std::nullopt;
  // A code is a whole word: not part of a longer run of letters and digits.
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  std::size_t begin = static_cast<std::size_t>(m.position(0));
  std::size_t end = begin + static_cast<std::size_t>(m.length(0));
  if ((begin > 0 && alnum(where[begin - 1])) || (end < where.size() && alnum(where[end]))) {
    return std::nullopt;
  }
  return code_at(m.str())->first;
}

// What a text given to `agreement verify` says: the code and, when it names one, the 协议编号.
struct VerificationText {
  std::string code;
  std::string agreement_no;  // empty: a bare code
};

// The text is the code alone, or the QR code's text: "协议编号：NO" and "验证码：CODE" in either
// order, each label optional before its value (":" or "：" or white space after a label, as a
// line pasted from the PDF has). Anything else around the code is refused: a code pasted into
// other words proves nothing about them.
VerificationText parse_verification_text(const std::string& text) {
  if (!find_code(text)) {
    throw Error::invalid_input("no verification code in \"" + text +
                               "\": a code is 16 letters and digits, XXXX-XXXX-XXXX-XXXX");
  }
  std::string upper = text;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  VerificationText out;
  auto space = [&](std::size_t i) {
    for (;;) {
      if (i < upper.size() && std::isspace(static_cast<unsigned char>(upper[i]))) {
        ++i;
      } else if (upper.compare(i, 3, "\xE3\x80\x80") == 0) {  // U+3000
        i += 3;
      } else {
        return i;
      }
    }
  };
  auto label = [&](std::size_t i, const std::string& word) -> std::optional<std::size_t> {
    if (upper.compare(i, word.size(), word) != 0) return std::nullopt;
    i = space(i + word.size());
    if (upper.compare(i, 3, "：") == 0) {
      i += 3;
    } else if (i < upper.size() && upper[i] == ':') {
      ++i;
    }
    return space(i);
  };
  const std::string refused =
      "\": give the code alone (XXXX-XXXX-XXXX-XXXX) or the QR code's whole text (协议编号 and "
      "验证码); other words around a code are not verified";
  std::size_t i = space(0);
  while (i < upper.size()) {
    if (auto after = label(i, "协议编号")) {
      std::size_t end = *after;
      while (end < upper.size() && std::isdigit(static_cast<unsigned char>(upper[end]))) ++end;
      if (end == *after || !out.agreement_no.empty()) {
        throw Error::invalid_input("cannot read \"" + text + refused);
      }
      out.agreement_no = upper.substr(*after, end - *after);
      i = space(end);
      continue;
    }
    std::size_t at = label(i, "验证码").value_or(i);
    auto code = code_at(upper.substr(at));
    if (!code || !out.code.empty()) {
      throw Error::invalid_input("cannot read \"" + text + refused);
    }
    out.code = code->first;
    i = space(at + code->second);
  }
  if (out.code.empty()) throw Error::invalid_input("cannot read \"" + text + refused);
  return out;
}

// Text without white space (ASCII, U+3000, U+00A0): line breaks and column gaps are layout.
std::string without_space(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') continue;
    if (s.compare(i, 3, "\xE3\x80\x80") == 0) {  // U+3000
      i += 2;
      continue;
    }
    if (s.compare(i, 2, "\xC2\xA0") == 0) {  // U+00A0
      i += 1;
      continue;
    }
    out += s[i];
  }
  return out;
}

// A few characters either side of byte `at`, cut at character boundaries.
std::string context_at(const std::string& s, std::size_t at) {
  auto back = [&](std::size_t i, int chars) {
    while (chars-- > 0 && i > 0) {
      --i;
      while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    }
    return i;
  };
  auto forward = [&](std::size_t i, int chars) {
    while (chars-- > 0 && i < s.size()) {
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    }
    return i;
  };
  std::size_t start = back(std::min(at, s.size()), 8);
  std::size_t end = forward(std::min(at, s.size()), 8);
  return "「" + s.substr(start, end - start) + "」";
}

std::string pdf_text(const fs::path& file) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) throw Error::io("cannot read " + file.string() + ": " + ec.message(), ec.value());
  if (size > kMaxPdfBytes) {
    throw Error::invalid_input(file.string() + " is " + std::to_string(size >> 20) +
                               " MiB: larger than any agreement (at most 64 MiB is read)");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error::io("cannot read " + file.string(), errno);
  std::vector<char> bytes(static_cast<std::size_t>(size));
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) throw Error::io("cannot read " + file.string(), errno);
  if (bytes.size() < 5 || std::memcmp(bytes.data(), "%PDF-", 5) != 0) {
    throw Error::invalid_input(file.string() + " is not a PDF (it does not start with %PDF-)");
  }
  // poppler reports damage on stderr by default; a library prints nothing.
  poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc || doc->is_locked()) {
    throw Error::invalid_input(file.string() +
                               " is a PDF poppler cannot open (damaged or "
                               "encrypted)");
  }
  std::string text;
  for (int i = 0; i < doc->pages(); ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) continue;
    auto utf8 = page->text(poppler::rectf(), poppler::page::raw_order_layout).to_utf8();
    text.append(utf8.begin(), utf8.end());
    text += '\n';
  }
  return text;
}

// The text the document view of an agreement shows, in order, as the PDF font draws it (a
// character it cannot show is drawn as 〓, as agreement_pdf does).
std::string document_text(const Agreement& a, const AgreementTemplate& layout) {
  const CjkFont& font = CjkFont::standard();
  std::string out;
  for (const auto& b : agreement_blocks(a, layout, AgreementView::Document)) {
    out += showable_text(font, b.label);
    if (b.kind != AgreementBlock::Kind::QrCode) out += showable_text(font, b.text);
  }
  return out;
}

}  // namespace

namespace {

// Every field of the agreement's content, as canonical_agreement and agreement_json give it.
json agreement_content(const Agreement& a) {
  const auto& e = a.employer;
  const auto& g = a.graduate;
  const auto& r = a.archive;
  json content = {
      {"agreement_no", a.agreement_no},
      {"employer",
       {{"name", e.name},
        {"credit_code", e.credit_code},
        {"nature_code", e.nature_code},
        {"nature_name", e.nature_name},
        {"industry_code", e.industry_code},
        {"industry_name", e.industry_name},
        {"address", e.address},
        {"contact", e.contact},
        {"contact_phone", e.contact_phone}}},
      {"graduate",
       {{"name", g.name},
        {"gender", g.gender},
        {"id_number", g.id_number},
        {"degree_level", g.degree_level},
        {"major", g.major},
        {"training_mode", g.training_mode},
        {"department", g.department},
        {"cohort", g.cohort}}},
      {"school",
       {{"name", a.school.name},
        {"code", a.school.code},
        {"reviewed_at", a.school.reviewed_at},
        {"reviewed_by", a.school.reviewed_by}}},
      {"job",
       {{"category_code", a.job.category_code},
        {"category_name", a.job.category_name},
        {"position", a.job.position},
        {"work_location", a.job.work_location}}},
      {"archive",
       {{"receipt_type_code", r.receipt_type_code},
        {"receipt_type_name", r.receipt_type_name},
        {"forward_unit", r.forward_unit},
        {"address", r.address},
        {"contact", r.contact},
        {"phone", r.phone},
        {"postcode", r.postcode}}},
      {"hukou_address", a.hukou_address},
      {"terms", a.terms},
  };
  return content;
}

}  // namespace

std::string canonical_agreement(const Agreement& a) {
  // nlohmann's objects keep their keys sorted; dump() is compact, UTF-8 kept as is.
  return "ncssctl agreement v1\n" +
         agreement_content(a).dump(-1, ' ', false, json::error_handler_t::replace);
}

nlohmann::json agreement_json(const Agreement& a) {
  json out = agreement_content(a);
  out["invitation_id"] = a.invitation_id;
  out["state"] = a.state;
  out["state_name"] = a.state_name;
  out["verification_code"] = a.verification_code;
  return out;
}

std::string compute_verification_code(Store& store, const Agreement& a) {
  return code_of(secret(database(store)), a);
}

std::string verification_qr_text(const Agreement& a) {
  return "协议编号：" + a.agreement_no + "\n验证码：" + a.verification_code;
}

const char* verification_result_name(VerificationResult r) {
  switch (r) {
    case VerificationResult::Valid:
      return "valid";
    case VerificationResult::Terminated:
      return "terminated";
    case VerificationResult::Voided:
      return "voided";
    case VerificationResult::Unknown:
      return "unknown";
    case VerificationResult::Altered:
      return "altered";
  }
  return "unknown";
}

void detail::assign_verification_code(SQLite::Database& db, std::int64_t invitation_id) {
  Agreement a = load_agreement(db, invitation_id);
  SQLite::Statement u(db, "UPDATE invitations SET verification_code = :c WHERE id = :id");
  u.bind(":c", code_of(secret(db), a));
  u.bind(":id", invitation_id);
  u.exec();
}

void detail::assign_missing_verification_codes(SQLite::Database& db) {
  std::vector<std::int64_t> ids;
  SQLite::Statement q(db,
                      "SELECT id FROM invitations WHERE agreement_no IS NOT NULL AND "
                      "verification_code IS NULL AND state IN ('signed', 'terminating', "
                      "'terminated', 'voided') ORDER BY id");
  while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
  for (auto id : ids) assign_verification_code(db, id);
}

std::vector<std::string> detail::check_verification_codes(SQLite::Database& db) {
  std::vector<std::string> problems;
  const std::string key = secret(db);
  SQLite::Statement q(db,
                      "SELECT id, coalesce(verification_code, '') FROM invitations WHERE "
                      "agreement_no IS NOT NULL AND state IN ('signed', 'terminating', "
                      "'terminated', 'voided') ORDER BY id");
  while (q.executeStep()) {
    std::int64_t id = q.getColumn(0).getInt64();
    std::string stored = q.getColumn(1).getString();
    Agreement a = load_agreement(db, id);
    if (stored.empty()) {
      problems.push_back("agreement " + a.agreement_no + " (invitation " + std::to_string(id) +
                         ") has no verification code");
    } else if (code_of(key, a) != stored) {
      problems.push_back("agreement " + a.agreement_no + " (invitation " + std::to_string(id) +
                         ") no longer matches its verification code " + stored +
                         ": its record was changed after approval");
    }
  }
  return problems;
}

namespace {

AgreementVerification verify_code(Store& store, const std::string& code) {
  AgreementVerification v;
  v.code = code;
  auto& db = database(store);
  SQLite::Statement q(db, "SELECT id FROM invitations WHERE verification_code = :c");
  q.bind(":c", v.code);
  if (!q.executeStep()) {
    v.result = VerificationResult::Unknown;
    v.detail = "no agreement in this database has the verification code " + v.code;
    return v;
  }
  Agreement a = detail::load_agreement(db, q.getColumn(0).getInt64());
  const std::string what =
      "agreement " + a.agreement_no + " (" + a.graduate.name + ", " + a.employer.name + ")";
  if (code_of(secret(db), a) != v.code) {
    v.result = VerificationResult::Altered;
    v.detail = what + ": the stored record no longer matches its code (changed after approval)";
  } else if (a.state == "terminated") {
    v.result = VerificationResult::Terminated;
    v.detail = what + " is genuine but has since been terminated (已解约): no longer in force";
  } else if (a.state == "voided") {
    v.result = VerificationResult::Voided;
    v.detail = what + " is genuine but has since been voided (已作废): no longer in force";
  } else {
    v.result = VerificationResult::Valid;
    v.detail = what + " is genuine and in force (" + a.state_name + ")";
  }
  v.agreement = std::move(a);
  return v;
}

}  // namespace

AgreementVerification verify_agreement_code(Store& store, const std::string& text) {
  const VerificationText given = parse_verification_text(text);
  AgreementVerification v = verify_code(store, given.code);
  // The QR code's text names its agreement: a code copied beside another number is a forgery.
  if (v.agreement && !given.agreement_no.empty() &&
      given.agreement_no != v.agreement->agreement_no) {
    v.result = VerificationResult::Altered;
    v.detail = "the text names 协议编号 " + given.agreement_no + ", but the verification code " +
               v.code + " belongs to agreement " + v.agreement->agreement_no;
  }
  return v;
}

AgreementVerification verify_agreement_pdf(Store& store, const fs::path& file,
                                           const AgreementTemplate* layout) {
  const std::string text = pdf_text(file);
  auto code = find_code(text);
  if (!code) {
    throw Error::invalid_input(file.string() +
                               " holds no verification code: it is not an agreement made by "
                               "ncssctl, or its text cannot be read");
  }
  AgreementVerification v = verify_code(store, *code);
  if (!v.agreement || v.result == VerificationResult::Altered) return v;
  const std::string expected =
      without_space(document_text(*v.agreement, layout ? *layout : default_agreement_template()));
  const std::string actual = without_space(text);
  if (expected != actual && !layout) {
    for (const auto& earlier : retired_agreement_templates()) {
      if (without_space(document_text(*v.agreement, earlier)) == actual) return v;
    }
  }
  if (expected != actual) {
    std::size_t at = 0;
    while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
    while (at > 0 &&
           (static_cast<unsigned char>(actual[std::min(at, actual.size() - 1)]) & 0xC0) == 0x80) {
      --at;
    }
    v.result = VerificationResult::Altered;
    v.detail = file.string() + " does not match agreement " + v.agreement->agreement_no +
               ": its text differs at " + context_at(actual, at) + " where the agreement has " +
               context_at(expected, at) +
               " (a PDF made with --template is verified with the same "
               "--template)";
  }
  return v;
}

void write_agreement_pdfs(Store& store, const std::vector<std::int64_t>& ids,
                          const AgreementTemplate& layout, const fs::path& dir, unsigned jobs,
                          const std::function<void(const AgreementPdfResult&)>& done) {
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  struct Task {
    AgreementPdfResult result;
    std::optional<Agreement> agreement;
    bool finished = false;
  };
  auto load = [&](Task& t) {
    try {
      t.agreement = load_agreement(store, t.result.invitation_id);
      t.result.agreement_no = t.agreement->agreement_no;
      t.result.file = dir / agreement_file_name(*t.agreement);
      return true;
    } catch (...) {
      t.result.error = std::current_exception();
      return false;
    }
  };
  auto render = [&](Task& t) {
    try {
      write_agreement_pdf(*t.agreement, layout, t.result.file, agreement_time(*t.agreement),
                          &t.result.warnings);
    } catch (...) {
      t.result.error = std::current_exception();
    }
    t.agreement.reset();
  };
  if (jobs == 1) {
    for (auto id : ids) {
      Task t;
      t.result.invitation_id = id;
      if (load(t)) render(t);
      done(t.result);
    }
    return;
  }
  // The store stays on this thread: it reads each record and hands it to a worker, keeping a
  // window of a few records per worker so that memory stays flat, and reports them in order.
  std::deque<Task> window;  // declared before the workers: they are joined before it goes
  std::deque<Task*> queue;
  std::mutex mutex;
  std::condition_variable work_ready, task_done;
  bool closing = false;
  std::vector<std::jthread> workers;
  struct Close {
    std::mutex& m;
    std::condition_variable& cv;
    bool& closing;
    std::vector<std::jthread>& workers;
    ~Close() {
      {
        std::lock_guard lock(m);
        closing = true;
      }
      cv.notify_all();
      workers.clear();  // joins
    }
  } close{mutex, work_ready, closing, workers};
  for (unsigned k = 0; k < jobs; ++k) {
    workers.emplace_back([&] {
      for (;;) {
        Task* t = nullptr;
        {
          std::unique_lock lock(mutex);
          work_ready.wait(lock, [&] { return closing || !queue.empty(); });
          if (queue.empty()) return;
          t = queue.front();
          queue.pop_front();
        }
        render(*t);
        {
          std::lock_guard lock(mutex);
          t->finished = true;
        }
        task_done.notify_all();
      }
    });
  }
  const std::size_t capacity = 4 * static_cast<std::size_t>(jobs);
  std::size_t next = 0;
  while (next < ids.size() || !window.empty()) {
    while (next < ids.size() && window.size() < capacity) {
      Task* t = nullptr;
      {
        std::lock_guard lock(mutex);
        t = &window.emplace_back();
      }
      t->result.invitation_id = ids[next++];
      bool loaded = load(*t);
      {
        std::lock_guard lock(mutex);
        if (loaded) {
          queue.push_back(t);
        } else {
          t->finished = true;
        }
      }
      if (loaded) work_ready.notify_one();
    }
    AgreementPdfResult result;
    {
      std::unique_lock lock(mutex);
      task_done.wait(lock, [&] { return window.front().finished; });
      result = std::move(window.front().result);
      window.pop_front();
    }
    done(result);
  }
}

}  // namespace ncss
