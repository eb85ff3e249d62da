// Private parts of the spreadsheet readers (core/src/sheet_*.cpp), visible to their tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ncss/sheet.hpp"

namespace ncss::sheet_detail {

std::unique_ptr<SheetReader> open_csv(const std::filesystem::path& file,
                                      const SheetOptions& options);
std::unique_ptr<SheetReader> open_xlsx(const std::filesystem::path& file,
                                       const SheetOptions& options);

// The xlsx shared-string table, stored compactly: one run of bytes plus an end offset per
// string. The first `memory_budget` bytes (text plus 8 bytes per string; 4 MiB by default) stay
// in memory, in 1 MiB chunks so that growing never copies; later strings go to an unlinked
// temporary file (and their end offsets to a second one) and are read back with pread through a
// few 4 KiB windows. Excel and the libraries number strings in order of first use, so a sheet's
// rows read the spilled part almost sequentially (a 1,000,000-row roster with 4,000,000 distinct
// strings reads at full speed), while the strings every row repeats
// (school, major, gender) come first and stay in memory. A sheet sorted after its strings were
// entered reads them in random order: two preads per spilled string, about 2 us each.
class SharedStringTable {
 public:
  // 4 MiB: the roster import's page cache (32 MiB) takes the rest of its 64 MiB budget.
  static constexpr std::size_t kDefaultMemoryBudget = std::size_t{4} << 20;

  explicit SharedStringTable(std::size_t memory_budget = kDefaultMemoryBudget);
  ~SharedStringTable();
  SharedStringTable(const SharedStringTable&) = delete;
  SharedStringTable& operator=(const SharedStringTable&) = delete;

  void add(std::string_view text);
  std::size_t size() const { return memory_count_ + spill_count_; }
  bool spilled() const { return spill_count_ > 0; }
  // Replaces `out` with string `index` (< size()). Throws ncss::Error(Io) if the spill file
  // cannot be read.
  void get(std::size_t index, std::string& out);

 private:
  struct Window {
    std::uint64_t start = 0;
    std::vector<char> bytes;
    std::uint64_t last_use = 0;
  };
  class SpillFile;

  void add_in_memory(std::string_view text);
  void add_spilled(std::string_view text);
  void read_spilled(SpillFile& file, std::deque<Window>& windows, std::uint64_t offset,
                    std::size_t length, char* out);

  std::size_t memory_budget_;
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::uint64_t memory_bytes_ = 0;
  std::deque<std::uint64_t> memory_ends_;
  std::size_t memory_count_ = 0;

  std::unique_ptr<SpillFile> spill_text_;
  std::unique_ptr<SpillFile> spill_ends_;
  std::uint64_t spill_bytes_ = 0;
  std::size_t spill_count_ = 0;
  std::deque<Window> text_windows_;
  std::deque<Window> end_windows_;
  std::uint64_t tick_ = 0;
};

}  // namespace ncss::sheet_detail
