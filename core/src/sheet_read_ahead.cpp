// Reading ahead: a sheet's rows parsed on a thread of their own while the caller works on the
// rows before them (README "Performance").
#include "ncss/sheet.hpp"
#include "prefetch.hpp"

namespace ncss {

namespace {

class ReadAhead final : public SheetReader {
 public:
  explicit ReadAhead(std::unique_ptr<SheetReader> inner)
      : inner_(std::move(inner)),
        format_(inner_->format()),
        encoding_(inner_->encoding()),
        sheet_(inner_->sheet_name()),
        rows_([reader = inner_.get()](SheetRow& row) { return reader->next(row); },
              sheet_row_bytes) {}

  // A swap, not a copy: the caller's previous row goes back with the batch, its buffers reused.
  bool next(SheetRow& row) override { return rows_.next(row); }
  std::string format() const override { return format_; }
  std::string encoding() const override { return encoding_; }
  std::string sheet_name() const override { return sheet_; }

 private:
  std::unique_ptr<SheetReader> inner_;  // used by the worker only, once it has started
  const std::string format_, encoding_, sheet_;
  detail::Prefetch<SheetRow> rows_;  // last: its worker stops before inner_ goes
};

}  // namespace

std::size_t sheet_row_bytes(const SheetRow& row, bool capacity) {
  std::size_t n = 0;
  for (const auto& c : row.cells) n += capacity ? c.text.capacity() : c.text.size();
  return n;
}

std::unique_ptr<SheetReader> read_ahead(std::unique_ptr<SheetReader> reader) {
  return std::make_unique<ReadAhead>(std::move(reader));
}

}  // namespace ncss
