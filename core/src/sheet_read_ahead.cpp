// Reading ahead: a sheet's rows parsed on a thread of their own while the caller works on the
// rows before them. An .xlsx roster import spends about as long in zlib and expat as in SQLite;
// on two cores the two now overlap instead of adding up (README "Performance").
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "ncss/sheet.hpp"

namespace ncss {

namespace {

// At most kBatches batches exist at once. A batch ends at kRows rows or once its text reaches
// kBatchBytes, and a row slot that held more than kKeepBytes is freed before it is used again,
// so even a hostile file of rows at SheetLimits::max_record_bytes keeps a few MiB waiting. A
// real roster's batch is about 50 KiB.
constexpr std::size_t kRows = 256;
constexpr std::size_t kBatches = 4;
constexpr std::size_t kBatchBytes = 256 << 10;
constexpr std::size_t kKeepBytes = 16 << 10;

std::size_t text_bytes(const SheetRow& row, bool capacity) {
  std::size_t n = 0;
  for (const auto& c : row.cells) n += capacity ? c.text.capacity() : c.text.size();
  return n;
}

struct Batch {
  std::vector<SheetRow> rows;
  std::size_t size = 0;
};

class ReadAhead final : public SheetReader {
 public:
  explicit ReadAhead(std::unique_ptr<SheetReader> inner)
      : inner_(std::move(inner)),
        format_(inner_->format()),
        encoding_(inner_->encoding()),
        sheet_(inner_->sheet_name()),
        worker_([this] { produce(); }) {}

  ~ReadAhead() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }

  bool next(SheetRow& row) override {
    while (pos_ == current_.size) {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!current_.rows.empty()) {
        free_.push_back(std::move(current_));
        current_ = Batch{};
        pos_ = 0;
        changed_.notify_all();
      }
      changed_.wait(lock, [this] { return !full_.empty() || finished_; });
      if (full_.empty()) {
        if (error_) std::rethrow_exception(error_);  // the same error on every later call
        return false;
      }
      current_ = std::move(full_.front());
      full_.pop_front();
      pos_ = 0;
    }
    // A swap, not a copy: the caller's previous row goes back with the batch, its buffers reused.
    std::swap(row, current_.rows[pos_++]);
    return true;
  }

  std::string format() const override { return format_; }
  std::string encoding() const override { return encoding_; }
  std::string sheet_name() const override { return sheet_; }

 private:
  void produce() {
    try {
      for (;;) {
        Batch batch;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          changed_.wait(lock, [this] { return stop_ || !free_.empty() || made_ < kBatches; });
          if (stop_) return;
          if (!free_.empty()) {
            batch = std::move(free_.back());
            free_.pop_back();
          } else {
            ++made_;
            batch.rows.resize(kRows);
          }
        }
        for (auto& row : batch.rows) {
          if (text_bytes(row, true) > kKeepBytes) row = SheetRow{};
        }
        batch.size = 0;
        std::size_t bytes = 0;
        bool more = true;
        std::exception_ptr error;  // delivered after the rows read before it
        try {
          while (batch.size < kRows && bytes < kBatchBytes &&
                 (more = inner_->next(batch.rows[batch.size]))) {
            bytes += text_bytes(batch.rows[batch.size++], false);
          }
        } catch (...) {
          error = std::current_exception();
          more = false;
        }
        {
          std::lock_guard<std::mutex> lock(mutex_);
          if (batch.size > 0) full_.push_back(std::move(batch));
          finished_ = !more;
          error_ = error;
        }
        changed_.notify_all();
        if (!more) return;
      }
    } catch (...) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        error_ = std::current_exception();
        finished_ = true;
      }
      changed_.notify_all();
    }
  }

  std::unique_ptr<SheetReader> inner_;  // used by the worker only, once it has started
  const std::string format_, encoding_, sheet_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> full_;    // parsed, in order
  std::vector<Batch> free_;   // handed back by the caller
  std::size_t made_ = 0;      // batches allocated so far
  bool finished_ = false;     // the worker has read its last row, or failed
  bool stop_ = false;         // the reader is being destroyed
  std::exception_ptr error_;  // what stopped the worker

  Batch current_;  // the caller's batch (the caller's thread only)
  std::size_t pos_ = 0;

  std::thread worker_;  // last: started once everything above exists
};

}  // namespace

std::unique_ptr<SheetReader> read_ahead(std::unique_ptr<SheetReader> reader) {
  return std::make_unique<ReadAhead>(std::move(reader));
}

}  // namespace ncss
