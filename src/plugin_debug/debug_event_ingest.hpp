#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <optional>
#include <string>

#include "hub/hub.hpp"
#include "plugin_debug/ingest_request.hpp"
#include "store/storage_executor.hpp"

namespace nadoo::plugin_debug {

/// Stores a plugin's debug events, then relays them to the consoles watching
/// its execution. Ingest never waits for consoles: a publish only queues.
///
/// Thread-safety: `ingest` may be called from any thread. Its results come
/// back on one strand in the order the storage thread committed them, so
/// consoles receive every execution's events in sequence order.
class DebugEventIngest {
 public:
  /// Nullopt when the execution does not exist.
  using Result = store::StoreResult<std::optional<store::AppendedEvents>>;
  using Done = std::function<void(Result)>;

  DebugEventIngest(const boost::asio::any_io_executor& executor, store::StorageExecutor& storage,
                   hub::Hub& hub, store::AppendLimits limits)
      : strand_(boost::asio::make_strand(executor)), storage_(storage), hub_(hub), limits_(limits) {}

  void ingest(std::string execution_id, IngestBatch batch, Done done);

  /// Runs `read(Store&)` on the storage lane of the execution's ingests and
  /// `done(StoreResult<T>)` on the strand that publishes ingested events, so
  /// that when `done` runs every event of the execution stored before the
  /// read has been published: a console that joined its room before the read
  /// and drops, from then on, the events its read already returned, sees
  /// each event exactly once.
  template <typename Read, typename Done>
  void read_after_published(const std::string& execution_id, Read read, Done done) {
    storage_.run_ordered_by(execution_id, strand_, std::move(read), std::move(done));
  }

 private:
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  store::StorageExecutor& storage_;
  hub::Hub& hub_;
  const store::AppendLimits limits_;
};

}  // namespace nadoo::plugin_debug
