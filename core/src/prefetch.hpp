// Items made on a thread of their own, a bounded number ahead of the caller, in order: the roster
// import's rows, read (and, while the importer is busy, checked) while the rows before them are
// stored.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace ncss::detail {

// `fill(item)` runs on the worker thread: it fills `item` (a slot reused from earlier items, its
// buffers kept) and returns true, or returns false at the end. What it throws reaches the caller's
// next() after the items made before it, and again on every later call. `bytes(item, capacity)`
// measures an item's text (its size, or what its buffers hold): a batch ends at kRows items or
// kBatchBytes, and a slot that held more than kKeepBytes is emptied before reuse, so even items at
// the readers' record limit keep only a few MiB waiting.
//
// `finish(item)`, when given, is work the caller would otherwise do on an item itself (the roster
// import's row checks). The worker runs it on a batch it has filled only while the caller still
// has batches waiting: then the caller is the slower side and the worker would only wait for a
// free slot. When the caller has run dry it gets the batch at once, unfinished. So the two threads
// share the work whichever is the slower: the caller finishes what the worker did not. An
// exception from finish() stops the worker finishing that batch (the caller meets it again).
template <typename Item>
class Prefetch {
 public:
  using Fill = std::function<bool(Item&)>;
  using Bytes = std::function<std::size_t(const Item&, bool capacity)>;
  using Finish = std::function<void(Item&)>;

  static constexpr std::size_t kRows = 256;
  static constexpr std::size_t kBatches = 4;
  static constexpr std::size_t kBatchBytes = 256 << 10;
  static constexpr std::size_t kKeepBytes = 16 << 10;

  // `batch_bytes` and `keep_bytes` replace kBatchBytes and kKeepBytes for items of another size
  // (the xlsx reader's 64 KiB blocks of a worksheet).
  Prefetch(Fill fill, Bytes bytes, std::size_t batch_bytes = kBatchBytes,
           std::size_t keep_bytes = kKeepBytes)
      : Prefetch(std::move(fill), std::move(bytes), Finish{}, batch_bytes, keep_bytes) {}
  Prefetch(Fill fill, Bytes bytes, Finish finish, std::size_t batch_bytes = kBatchBytes,
           std::size_t keep_bytes = kKeepBytes)
      : fill_(std::move(fill)),
        bytes_(std::move(bytes)),
        finish_(std::move(finish)),
        batch_bytes_(batch_bytes),
        keep_bytes_(keep_bytes),
        worker_([this] { produce(); }) {}

  ~Prefetch() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }
  Prefetch(const Prefetch&) = delete;
  Prefetch& operator=(const Prefetch&) = delete;

  // Swaps the next item into `item` (whose old contents go back to be refilled); false at the end.
  bool next(Item& item) {
    while (pos_ == current_.size) {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!current_.items.empty()) {
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
    using std::swap;  // or Item's own
    swap(item, current_.items[pos_++]);
    return true;
  }

 private:
  struct Batch {
    std::vector<Item> items;
    std::size_t size = 0;
  };

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
            batch.items.resize(kRows);
          }
        }
        for (auto& item : batch.items) {
          if (bytes_(item, true) > keep_bytes_) item = Item{};
        }
        batch.size = 0;
        std::size_t bytes = 0;
        bool more = true;
        std::exception_ptr error;  // delivered after the items made before it
        try {
          while (batch.size < kRows && bytes < batch_bytes_ &&
                 (more = fill_(batch.items[batch.size]))) {
            bytes += bytes_(batch.items[batch.size++], false);
          }
        } catch (...) {
          error = std::current_exception();
          more = false;
        }
        if (finish_ && caller_busy()) {
          try {
            for (std::size_t i = 0; i < batch.size; ++i) finish_(batch.items[i]);
          } catch (...) {
            // The caller finishes the rest, and meets the same exception on the same item.
          }
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

  bool caller_busy() {
    std::lock_guard<std::mutex> lock(mutex_);
    return !full_.empty();
  }

  const Fill fill_;  // used by the worker only
  const Bytes bytes_;
  const Finish finish_;  // used by the worker only
  const std::size_t batch_bytes_;
  const std::size_t keep_bytes_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> full_;    // made, in order
  std::vector<Batch> free_;   // handed back by the caller
  std::size_t made_ = 0;      // batches allocated so far
  bool finished_ = false;     // the worker has made its last item, or failed
  bool stop_ = false;         // the Prefetch is being destroyed
  std::exception_ptr error_;  // what stopped the worker

  Batch current_;  // the caller's batch (the caller's thread only)
  std::size_t pos_ = 0;

  std::thread worker_;  // last: started once everything above exists
};

}  // namespace ncss::detail
