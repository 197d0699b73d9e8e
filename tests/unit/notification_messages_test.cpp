#include "notifications/notification_messages.hpp"

#include <gtest/gtest.h>

namespace nadoo::notifications {
namespace {

TEST(NotificationIdOf, reads_the_id_of_our_own_messages_and_of_any_other_of_the_type) {
  const store::Notification notification{
      "ntf_0123", "user-1", "T", "B", "/go", std::nullopt, "2099-01-01T00:00:00.000Z", std::nullopt};
  EXPECT_EQ(notification_id_of(*notification_message(notification)), "ntf_0123");
  EXPECT_EQ(notification_id_of(R"({"id":"ntf_9","type":"notification"})"), "ntf_9");
  EXPECT_EQ(notification_id_of(*notification_read_message("ntf_0123")), std::nullopt);
  EXPECT_EQ(notification_id_of("not json"), std::nullopt);
  EXPECT_EQ(notification_read_id_of(*notification_read_message("ntf_0123")), "ntf_0123");
  EXPECT_EQ(notification_read_id_of(*notification_message(notification)), std::nullopt);
}

}  // namespace
}  // namespace nadoo::notifications
