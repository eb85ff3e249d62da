// The xlsx reader's XML handling (workbook, relationships, shared strings, worksheet) on parts
// the fuzzer edits as text: the input lists parts, each a line "==> NAME <==" followed by its
// bytes, and is packed into a valid zip (stored, so every byte reaches the reader unchanged). A
// part named "#sheet" is not packed: its text is the sheet name asked for (--sheet).
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_support.hpp"
#include "fuzz_xlsx_common.hpp"

namespace {

struct Part {
  std::string name;
  std::string_view bytes;
};

std::vector<Part> split_parts(std::string_view input) {
  static constexpr std::string_view kOpen = "==> ", kClose = " <==\n";
  std::vector<Part> parts;
  std::size_t at = input.find(kOpen);
  while (at != std::string_view::npos) {
    std::size_t name_end = input.find(kClose, at + kOpen.size());
    if (name_end == std::string_view::npos) break;
    std::size_t body = name_end + kClose.size();
    std::size_t next = input.find(std::string("\n") + std::string(kOpen), body);
    std::size_t body_end = next == std::string_view::npos ? input.size() : next;
    parts.push_back({std::string(input.substr(at + kOpen.size(), name_end - at - kOpen.size())),
                     input.substr(body, body_end - body)});
    at = next == std::string_view::npos ? next : next + 1;
  }
  return parts;
}

// The zip in memory; empty when there is no part or libzip cannot write it.
std::string pack(const std::vector<Part>& parts) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_error_fini(&error);
  if (!buffer) fuzz::fail("zip_source_buffer_create failed");
  zip_t* zip = zip_open_from_source(buffer, ZIP_TRUNCATE, nullptr);
  if (!zip) fuzz::fail("zip_open_from_source failed");
  zip_source_keep(buffer);
  for (const auto& part : parts) {
    if (part.name == "#sheet") continue;
    zip_source_t* source = zip_source_buffer(zip, part.bytes.data(), part.bytes.size(), 0);
    if (!source) fuzz::fail("zip_source_buffer failed");
    zip_int64_t index =
        zip_file_add(zip, part.name.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {  // a name libzip refuses (empty): the part is left out
      zip_source_free(source);
      continue;
    }
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  std::string out;
  if (zip_get_num_entries(zip, 0) == 0 || zip_close(zip) != 0) {
    zip_discard(zip);
    zip_source_free(buffer);
    return out;
  }
  zip_stat_t st;
  if (zip_source_stat(buffer, &st) != 0 || zip_source_open(buffer) != 0) {
    fuzz::fail("cannot read back the packed zip");
  }
  out.resize(st.size);
  zip_int64_t n = zip_source_read(buffer, out.data(), out.size());
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) fuzz::fail("short read of the packed zip");
  zip_source_close(buffer);
  zip_source_free(buffer);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::MemoryFile file;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<Part> parts = split_parts(input);
  std::string sheet;
  for (const auto& part : parts) {
    if (part.name == "#sheet") sheet = std::string(part.bytes);
  }
  std::string zip = pack(parts);
  if (zip.empty()) return 0;
  fuzz::read_xlsx(file.write(zip.data(), zip.size()), fuzz::xlsx_options(sheet));
  return 0;
}
