#include "store/sqlite/wal_checkpointer.hpp"

#include <spdlog/spdlog.h>

#include "store/store.hpp"
#include "util/thread_name.hpp"

namespace nadoo::store::sqlite {

WalCheckpointer::WalCheckpointer(const std::filesystem::path& database_file, int wal_pages_per_checkpoint)
    : connection_(database_file),
      wal_pages_per_checkpoint_(wal_pages_per_checkpoint),
      wal_pages_due_(wal_pages_per_checkpoint),
      thread_([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WalCheckpointer::note_wal_pages(int wal_pages) {
  // A shorter log than at the last commit has started again from its
  // beginning (a checkpoint backfilled all of it): count from there.
  if (wal_pages < last_wal_pages_) wal_pages_due_ = wal_pages_per_checkpoint_;
  last_wal_pages_ = wal_pages;
  if (wal_pages < wal_pages_due_) return;
  // Once per threshold pages of growth, as SQLite's own checkpoint would:
  // not on every commit while a log that could not restart stays long.
  wal_pages_due_ = wal_pages + wal_pages_per_checkpoint_;
  const bool restart = wal_pages >= restart_after_thresholds * wal_pages_per_checkpoint_;
  (restart ? restart_requested_ : passive_requested_).fetch_add(1);
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
    restart_ = restart_ || restart;
  }
  wake_.notify_one();
}

bool WalCheckpointer::wait_for_checkpoints(std::uint64_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return checkpointed_.wait_for(lock, timeout, [&] { return checkpoints_.load() >= count; });
}

void WalCheckpointer::run() {
  util::name_this_thread("nadoo-wal");
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || requested_; });
    if (stopping_) return;
    const auto mode = restart_ ? Connection::CheckpointMode::restart : Connection::CheckpointMode::passive;
    requested_ = false;
    restart_ = false;
    lock.unlock();
    try {
      const int wal_pages = connection_.checkpoint(mode);
      // Debug, not a warning: under a sustained write load this is the
      // normal way the log gets back to its start, a few times a second.
      if (mode == Connection::CheckpointMode::restart) {
        spdlog::debug(
            "the write-ahead log reached {} pages beside the writer; restarted with the writer waiting",
            wal_pages);
      }
    } catch (const StoreError& error) {
      // The log keeps every page meanwhile; the next threshold asks again.
      spdlog::warn("{}", error.what());
    }
    lock.lock();
    checkpoints_.fetch_add(1);
    checkpointed_.notify_all();
  }
}

}  // namespace nadoo::store::sqlite
