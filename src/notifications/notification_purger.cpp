#include "notifications/notification_purger.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace nadoo::notifications {

void NotificationPurger::start() {
  const bool keeps_everything = settings_.read_max_age.count() <= 0 && settings_.unread_max_age.count() <= 0;
  if (keeps_everything || settings_.purge_interval.count() <= 0) return;
  boost::asio::post(strand_, [this] { purge(); });
}

void NotificationPurger::stop() {
  boost::asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void NotificationPurger::purge() {
  if (stopped_) return;
  storage_.run(
      strand_,
      [settings = settings_](store::Store& store) {
        return store.notifications().purge_notifications(settings.read_max_age, settings.unread_max_age);
      },
      [this](store::StoreResult<std::int64_t> purged) {
        // A failure is logged by the storage executor; the next round tries again.
        if (purged.ok() && *purged.value > 0) spdlog::info("purged {} expired notifications", *purged.value);
        schedule_next();
      });
}

void NotificationPurger::schedule_next() {
  if (stopped_) return;
  timer_.expires_after(settings_.purge_interval);
  timer_.async_wait([this](boost::system::error_code error) {
    if (!error) purge();
  });
}

}  // namespace nadoo::notifications
