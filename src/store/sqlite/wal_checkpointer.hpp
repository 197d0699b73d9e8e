// Checkpoints the database's write-ahead log on a thread and connection of
// its own, so that the storage thread does not wait for a checkpoint's fsyncs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <thread>

#include "store/sqlite/sqlite_connection.hpp"

namespace nadoo::store::sqlite {

class WalCheckpointer {
 public:
  /// A log this many times the threshold means the passive checkpoints
  /// cannot catch up with the writer (it appends while they copy, so the log
  /// never starts again): the next checkpoint restarts it, and the writer
  /// waits for that one. 10: about 40 MiB at the default threshold.
  static constexpr int restart_after_thresholds = 10;

  /// Opens its own connection to `database_file`. A checkpoint is asked for
  /// each time the log has grown by `wal_pages_per_checkpoint` pages.
  WalCheckpointer(const std::filesystem::path& database_file, int wal_pages_per_checkpoint);
  /// Lets a checkpoint in progress finish, then stops.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  /// The writer's commit hook (Connection::on_wal_commit), on the writer's
  /// thread only: `wal_pages` is what the log holds after the commit.
  void note_wal_pages(int wal_pages);

  /// Checkpoints asked for and run so far, for tests and logs.
  struct Counts {
    std::uint64_t passive_requested = 0;
    std::uint64_t restart_requested = 0;
  };
  Counts requested() const { return {passive_requested_.load(), restart_requested_.load()}; }
  std::uint64_t checkpoints() const { return checkpoints_.load(); }
  /// Blocks until `count` checkpoints have run; false at the timeout.
  bool wait_for_checkpoints(std::uint64_t count, std::chrono::milliseconds timeout);

 private:
  void run();

  Connection connection_;
  const int wal_pages_per_checkpoint_;
  // The writer's thread only.
  int wal_pages_due_;
  int last_wal_pages_ = 0;

  std::atomic<std::uint64_t> passive_requested_{0};
  std::atomic<std::uint64_t> restart_requested_{0};
  std::atomic<std::uint64_t> checkpoints_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable checkpointed_;
  // Under mutex_: what the next checkpoint is to be, if any is asked for.
  bool requested_ = false;
  bool restart_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace nadoo::store::sqlite
