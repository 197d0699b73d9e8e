#include "store/periodic_purge.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace nadoo::store {

void PeriodicPurge::start() {
  if (interval_.count() <= 0) return;
  boost::asio::post(strand_, [this] { run_round(); });
}

void PeriodicPurge::stop() {
  boost::asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void PeriodicPurge::run_round() {
  if (stopped_) return;
  storage_.run(strand_, purge_, [this](StoreResult<std::int64_t> purged) {
    if (purged.ok() && *purged.value > 0) spdlog::info("purged {} {}", *purged.value, what_);
    schedule_next();
  });
}

void PeriodicPurge::schedule_next() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code error) {
    if (!error) run_round();
  });
}

}  // namespace nadoo::store
