// The electronic employment agreement (电子就业协议书) of a signed online signing: its content as
// frozen at approval, laid out by an editable template (templates/agreement.json), as text or PDF,
// with a verification code (an HMAC of the content under the database's secret) and its QR code;
// and the blank paper agreement a graduate prints for offline signing (线下签约).
#pragma once

#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ncss/store.hpp"
#include "ncss/time.hpp"

namespace ncss {

// One agreement, as the parties signed it: employer and graduate from the snapshot taken when the
// school approved, never from today's records.
struct Agreement {
  std::int64_t invitation_id = 0;
  std::string agreement_no;  // 协议编号
  std::string state;         // signed, terminating, terminated or voided
  std::string state_name;    // 已签约, 解约中, 已解约, 已作废

  struct Employer {
    std::string name, credit_code, nature_code, nature_name, industry_code, industry_name, address,
        contact, contact_phone;
  } employer;
  struct Graduate {
    std::string name, gender, id_number, degree_level, major, training_mode, department;
    int cohort = 0;
  } graduate;
  struct School {
    std::string name, code, reviewed_at /* stored UTC form */, reviewed_by;
  } school;
  struct Job {
    std::string category_code, category_name, position, work_location;
  } job;
  struct Archive {
    std::string receipt_type_code, receipt_type_name, forward_unit, address, contact, phone,
        postcode;
  } archive;
  std::string hukou_address;
  std::string terms;              // 补充条款
  std::string verification_code;  // XXXX-XXXX-XXXX-XXXX, fixed at approval
};

// Loads the agreement of an invitation. NotFound for an unknown invitation; InvalidTransition for
// one that was never approved (it has no agreement number) or is not signed, terminating,
// terminated or voided.
Agreement load_agreement(Store& store, std::int64_t invitation_id);

struct AgreementFilter {
  std::string state = "signed";  // signed or terminating (the agreements in force)
  std::string school_code;       // code, name or former name; empty: every school
  int cohort = 0;                // 0: every cohort
  std::string employer_code;
};
// The invitation IDs of the agreements in `filter.state` that match, in ID order. InvalidInput
// for a state other than signed or terminating (no PDF is made of an agreement not in force).
std::vector<std::int64_t> agreement_ids(Store& store, const AgreementFilter& filter);

// The layout: the title, the sections in order, their headings and field labels, the standard
// clauses. Section names: number (the 协议编号; added first when a template leaves it out),
// employer, graduate, school, job, archive, hukou, clauses, terms, verification (the code and the
// QR code; added at the end when a template leaves it out).
struct AgreementSection {
  std::string name;
  std::string heading;                        // empty: no heading line
  std::map<std::string, std::string> labels;  // field key -> label, defaults filled in
  std::vector<std::string> clauses;           // clauses only
  std::vector<std::string> paper_clauses;     // clauses only: on the blank paper form
  std::string empty;                          // terms only: shown when there are none
  std::string note;                           // verification only: how to verify
};
struct AgreementTemplate {
  std::string source;  // the file it came from, for messages
  std::string title;
  std::string paper_title;  // the blank paper form's title (default: title)
  std::string signatures;   // the blank paper form's signature lines (may hold line feeds)
  std::vector<AgreementSection> sections;
};

// Parses and validates a template. Throws InvalidInput naming `source` and the problem (with the
// line and column of a JSON syntax error).
AgreementTemplate parse_agreement_template(const std::string& json_text, const std::string& source);
// The template compiled into the binary from templates/agreement.json.
const AgreementTemplate& default_agreement_template();
// The built-in templates of earlier versions (templates/retired/*.json), oldest first: what the
// agreements their PDFs were made with said, for `agreement verify` (verify_agreement_pdf).
const std::vector<AgreementTemplate>& retired_agreement_templates();
// Reads and parses a template file (Io if unreadable, InvalidInput if invalid).
AgreementTemplate load_agreement_template(const std::filesystem::path& file);

// One line of the laid-out agreement: what both the text and the PDF show, in order.
struct AgreementBlock {
  enum class Kind { Title, Heading, Field, Paragraph, QrCode } kind;
  std::string label;  // fields only
  std::string text;   // QrCode: the text the QR code carries
  // Where the text comes from, for messages: "title", "<section>.heading", "<section>.<key>"
  // of a field (graduate.name), "clauses", "terms", "verification.note", "signatures".
  std::string field;
};
// What the blocks are for. The document (the PDF, and what `agreement verify` compares a PDF
// with) is the agreement as approved; the text view adds the agreement's state when it is no
// longer plainly signed (解约中, 已解约, 已作废).
// Blank is the paper form for offline signing (线下签约): the graduate's and school's parts
// filled in, every other field a line to write on, the paper clauses and signature lines, no
// verification code (the paper agreement is proved by its stamps).
enum class AgreementView { Document, Text, Blank };
std::vector<AgreementBlock> agreement_blocks(const Agreement& agreement,
                                             const AgreementTemplate& layout,
                                             AgreementView view = AgreementView::Document);

// The blank paper agreement of a graduate for offline signing (线下签约): the graduate's part
// from the roster and the school's name and code; the rest is left to be written by hand. Takes
// the graduate's record ID. NotFound for an unknown graduate; InvalidTransition for one whose
// record is no longer valid (失效) or who may not sign (a 定向/委培 graduate files a targeted
// registration instead).
Agreement blank_agreement(Store& store, std::int64_t graduate_id);
// The blank form as a PDF (laid out with AgreementView::Blank); `created` and `warnings` as for
// agreement_pdf.
std::string blank_agreement_pdf(const Agreement& blank, const AgreementTemplate& layout,
                                Timestamp created, std::vector<std::string>* warnings = nullptr);

// The agreement as plain text, one block a line (fields as "label：value").
std::string agreement_text(const Agreement& agreement, const AgreementTemplate& layout);
// The agreement as a PDF (the full ID number: it is the agreement). `created` becomes the PDF's
// dates, so the same record gives the same bytes; pass the approval time. Refuses
// (InvalidTransition) an agreement that is not in force (terminated or voided).
// A signed agreement is always printable: a character the PDF font cannot show (no glyph,
// above U+FFFF, a control character, a byte that is not UTF-8) is drawn as 〓 (see
// showable_text in pdf_writer.hpp, which `agreement verify` applies too), and each field with
// such characters adds a line to `warnings` (when given) naming the agreement, the field and
// the character as U+XXXX.
std::string agreement_pdf(const Agreement& agreement, const AgreementTemplate& layout,
                          Timestamp created, std::vector<std::string>* warnings = nullptr);
// agreement_pdf written to `out` (through a temporary file renamed into place).
void write_agreement_pdf(const Agreement& agreement, const AgreementTemplate& layout,
                         const std::filesystem::path& out, Timestamp created,
                         std::vector<std::string>* warnings = nullptr);

// What `agreement pdf` did with one record of a batch.
struct AgreementPdfResult {
  std::int64_t invitation_id = 0;
  std::string agreement_no;  // empty when the record could not be loaded
  std::filesystem::path file;
  std::exception_ptr error;           // null when written
  std::vector<std::string> warnings;  // characters drawn as 〓 (see agreement_pdf)
};
// Writes the PDFs of `ids` into `dir`, named by agreement_file_name. Records are read on the
// calling thread (the store is not shared); documents are made on `jobs` threads (0: one per
// core). `done` is called on the calling thread once per record, in the order of `ids`, with a
// record's failure in its result: one bad record never stops the batch.
void write_agreement_pdfs(Store& store, const std::vector<std::int64_t>& ids,
                          const AgreementTemplate& layout, const std::filesystem::path& dir,
                          unsigned jobs,
                          const std::function<void(const AgreementPdfResult&)>& done);

// ---- verification -------------------------------------------------------------------------

// The verification code of an agreement's content under the store's secret: HMAC-SHA256 over
// the canonical serialisation below, its first 80 bits in base32 (RFC 4648 alphabet), grouped
// XXXX-XXXX-XXXX-XXXX.
std::string compute_verification_code(Store& store, const Agreement& agreement);
// The canonical serialisation the code covers: every field of the agreement's content (not its
// state, which changes), as compact JSON with sorted keys, prefixed by a version line.
std::string canonical_agreement(const Agreement& agreement);
// The agreement for scripts (agreement show --format json): canonical_agreement's content, with
// invitation_id, state, state_name and verification_code added.
nlohmann::json agreement_json(const Agreement& agreement);
// What the QR code on the PDF carries (UTF-8; the QR code says so with an ECI header).
std::string verification_qr_text(const Agreement& agreement);

enum class VerificationResult {
  Valid,       // known, the content matches, in force (signed, or a termination in progress)
  Terminated,  // known and matching, but since terminated (已解约)
  Voided,      // known and matching, but since voided (已作废)
  Unknown,     // no agreement of this database has that code
  Altered,     // the PDF's text (or the stored record) does not match the code
};
const char* verification_result_name(VerificationResult result);  // valid, terminated, ...

struct AgreementVerification {
  VerificationResult result = VerificationResult::Unknown;
  std::string code;                    // the code found, normalised (empty if none was found)
  std::optional<Agreement> agreement;  // when the code is known
  std::string detail;                  // in plain words
};
// Verifies a code as printed (any case, with or without dashes or spaces) or the whole text of
// the QR code ("协议编号：NO" and "验证码：CODE", either order, labels optional). A bare code
// says which agreement it belongs to (the detail names the 协议编号 to compare with the paper);
// a text naming a 协议编号 other than the code's agreement's is Altered. InvalidInput when
// `text` holds no code, or other words besides the code and the agreement number.
AgreementVerification verify_agreement_code(Store& store, const std::string& text);
// Verifies an agreement PDF: reads its text (poppler), finds the code, and compares the text,
// whitespace aside, with the agreement the code belongs to laid out by `layout` (the template
// the PDF was made with; nullptr: the built-in one, or one of the earlier versions' built-in
// templates, so that a PDF made before the built-in text changed stays genuine). InvalidInput
// for a file that is not a PDF or holds no code; Io if it cannot be read.
AgreementVerification verify_agreement_pdf(Store& store, const std::filesystem::path& file,
                                           const AgreementTemplate* layout);
// The approval time of an agreement as a Timestamp (for `created`).
Timestamp agreement_time(const Agreement& agreement);

// `<协议编号>_<姓名>.pdf` made safe as one file name: path separators, control characters and
// leading dots and spaces removed, at most 200 bytes (cut at a character boundary).
std::string agreement_file_name(const Agreement& agreement);

}  // namespace ncss
