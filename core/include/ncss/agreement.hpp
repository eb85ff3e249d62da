// The electronic employment agreement (电子就业协议书) of a signed online signing: its content as
// frozen at approval, laid out by an editable template (templates/agreement.json), as text or PDF.
// The first slice of issue 7: no verification code, QR code or blank paper form yet.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
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
  std::string terms;  // 补充条款
};

// Loads the agreement of an invitation. NotFound for an unknown invitation; InvalidTransition for
// one that was never approved (it has no agreement number) or is not signed, terminating,
// terminated or voided.
Agreement load_agreement(Store& store, std::int64_t invitation_id);

struct AgreementFilter {
  std::string school_code;  // empty: every school
  int cohort = 0;           // 0: every cohort
  std::string employer_code;
};
// The invitation IDs of the signed agreements (state signed only) that match, in ID order.
std::vector<std::int64_t> signed_agreement_ids(Store& store, const AgreementFilter& filter);

// The layout: the title, the sections in order, their headings and field labels, the standard
// clauses. Section names: number, employer, graduate, school, job, archive, hukou, clauses, terms.
struct AgreementSection {
  std::string name;
  std::string heading;                        // empty: no heading line
  std::map<std::string, std::string> labels;  // field key -> label, defaults filled in
  std::vector<std::string> clauses;           // clauses only
  std::string empty;                          // terms only: shown when there are none
};
struct AgreementTemplate {
  std::string source;  // the file it came from, for messages
  std::string title;
  std::vector<AgreementSection> sections;
};

// Parses and validates a template. Throws InvalidInput naming `source` and the problem (with the
// line and column of a JSON syntax error).
AgreementTemplate parse_agreement_template(const std::string& json_text, const std::string& source);
// The template compiled into the binary from templates/agreement.json.
const AgreementTemplate& default_agreement_template();
// Reads and parses a template file (Io if unreadable, InvalidInput if invalid).
AgreementTemplate load_agreement_template(const std::filesystem::path& file);

// One line of the laid-out agreement: what both the text and the PDF show, in order.
struct AgreementBlock {
  enum class Kind { Title, Heading, Field, Paragraph } kind;
  std::string label;  // fields only
  std::string text;
};
std::vector<AgreementBlock> agreement_blocks(const Agreement& agreement,
                                             const AgreementTemplate& layout);

// The agreement as plain text, one block a line (fields as "label：value").
std::string agreement_text(const Agreement& agreement, const AgreementTemplate& layout);
// Writes the agreement as a PDF (the full ID number: it is the agreement). `created` becomes the
// PDF's dates, so the same record gives the same bytes; pass the approval time. Refuses
// (InvalidTransition) an agreement that is not in force (terminated or voided).
void write_agreement_pdf(const Agreement& agreement, const AgreementTemplate& layout,
                         const std::filesystem::path& out, Timestamp created);
// The approval time of an agreement as a Timestamp (for `created`).
Timestamp agreement_time(const Agreement& agreement);

// `<协议编号>_<姓名>.pdf` made safe as one file name: path separators, control characters and
// leading dots and spaces removed, at most 200 bytes (cut at a character boundary).
std::string agreement_file_name(const Agreement& agreement);

}  // namespace ncss
