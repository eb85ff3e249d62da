// The agreement template parser (parse_agreement_template, core/src/agreement.cpp) on any text:
// a template is accepted or refused with InvalidInput, never with another exception; an
// accepted one lays out an agreement in every view.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "ncss/agreement.hpp"
#include "ncss/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  ncss::AgreementTemplate layout;
  try {
    layout = ncss::parse_agreement_template(text, "fuzz.json");
  } catch (const ncss::Error& e) {
    fuzz::check_refusal(e);
    return 0;
  }
  bool verification = false;
  for (const auto& section : layout.sections) verification |= section.name == "verification";
  fuzz::check(verification, "a template without the verification section");
  ncss::Agreement agreement;
  agreement.state = "signed";
  agreement.agreement_no = "20261000131000001";
  agreement.verification_code = "ABCD-EFGH-JKLM-NPQR";
  for (auto view :
       {ncss::AgreementView::Document, ncss::AgreementView::Text, ncss::AgreementView::Blank}) {
    auto blocks = ncss::agreement_blocks(agreement, layout, view);
    fuzz::check(!blocks.empty() && blocks.front().kind == ncss::AgreementBlock::Kind::Title,
                "an agreement that does not start with its title");
  }
  ncss::agreement_text(agreement, layout);
  return 0;
}
