#include "store/periodic_storage_task.hpp"

#include <boost/asio/post.hpp>

namespace nadoo::store {

void PeriodicStorageTask::start() {
  if (interval_.count() <= 0) return;
  boost::asio::post(strand_, [this] { run_round(); });
}

void PeriodicStorageTask::stop() {
  boost::asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void PeriodicStorageTask::run_round() {
  if (stopped_) return;
  storage_.run(
      strand_,
      [this](Store& store) {
        task_(store);
        return true;
      },
      [this](StoreResult<bool>) { schedule_next(); });
}

void PeriodicStorageTask::schedule_next() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code error) {
    if (!error) run_round();
  });
}

}  // namespace nadoo::store
