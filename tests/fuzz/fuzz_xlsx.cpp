// The xlsx reader (core/src/sheet_xlsx.cpp) on any bytes: libzip, the size and ratio limits, the
// XML of every part. Most mutations break the zip's CRC or deflate stream, so this target mostly
// exercises the zip layer; fuzz_xlsx_parts reaches the XML.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "fuzz_xlsx_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::MemoryFile file;
  static const ncss::SheetOptions options = fuzz::xlsx_options();
  fuzz::read_xlsx(file.write(data, size), options);
  return 0;
}
