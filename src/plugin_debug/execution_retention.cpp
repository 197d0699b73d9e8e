#include "plugin_debug/execution_retention.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "util/utc_timestamp.hpp"

namespace nadoo::plugin_debug {

void ExecutionRetention::start() {
  boost::asio::post(strand_, [this] { purge(); });
}

void ExecutionRetention::stop() {
  boost::asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void ExecutionRetention::purge() {
  const auto cutoff = util::format_utc_timestamp(std::chrono::system_clock::now() - retention_);
  storage_.run(
      strand_,
      [cutoff](store::Store& store) { return store.plugin_executions().purge_started_before(cutoff); },
      [this](store::StoreResult<std::size_t> purged) {
        // A failure is logged by the storage executor; the next round retries.
        if (purged.ok() && *purged.value > 0) {
          spdlog::info("purged {} plugin executions older than {} s", *purged.value, retention_.count());
        }
        schedule();
      });
}

void ExecutionRetention::schedule() {
  if (stopped_) return;
  timer_.expires_after(purge_interval_);
  timer_.async_wait([this](boost::system::error_code error) {
    if (!error && !stopped_) purge();
  });
}

}  // namespace nadoo::plugin_debug
