#include "hub/catch_up_gate.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "unit/recording_connection.hpp"

namespace nadoo::hub {
namespace {

const auto keep_all = [](const std::string&) { return true; };

TEST(CatchUpGate, holds_live_messages_until_opened_then_sends_them_after_the_history) {
  auto client = std::make_shared<RecordingConnection>();
  CatchUpGate gate(client, 1024);
  gate.send(hub::make_shared_text("live-1"), hub::MessageKind::text);
  gate.send(hub::make_shared_text("live-2"), hub::MessageKind::text);
  EXPECT_TRUE(client->sent().empty());

  client->send(hub::make_shared_text("history"), hub::MessageKind::text);
  gate.open(keep_all);
  gate.send(hub::make_shared_text("live-3"), hub::MessageKind::text);
  EXPECT_EQ(client->sent(), (std::vector<std::string>{"history", "live-1", "live-2", "live-3"}));
}

TEST(CatchUpGate, drops_held_messages_the_history_already_had) {
  auto client = std::make_shared<RecordingConnection>();
  CatchUpGate gate(client, 1024);
  for (const auto* message : {"1", "2", "3"})
    gate.send(hub::make_shared_text(message), hub::MessageKind::text);
  gate.open([](const std::string& payload) { return payload > "2"; });
  EXPECT_EQ(client->sent(), (std::vector<std::string>{"3"}));
}

TEST(CatchUpGate, closes_with_1013_when_more_than_its_limit_is_held) {
  auto client = std::make_shared<RecordingConnection>();
  CatchUpGate gate(client, 10);
  gate.send(hub::make_shared_text("123456"), hub::MessageKind::text);
  EXPECT_FALSE(client->close_code());
  gate.send(hub::make_shared_text("123456"), hub::MessageKind::text);
  EXPECT_EQ(client->close_code(), hub::CloseCode::try_again_later);
  gate.open(keep_all);
  EXPECT_TRUE(client->sent().empty());
}

TEST(CatchUpGate, keeps_the_order_of_live_messages_sent_while_it_opens) {
  constexpr int message_count = 20000;
  auto client = std::make_shared<RecordingConnection>();
  CatchUpGate gate(client, message_count * 16);
  std::thread publisher([&] {
    for (int n = 0; n < message_count; ++n) {
      gate.send(hub::make_shared_text(std::to_string(n)), hub::MessageKind::text);
    }
  });
  gate.open(keep_all);
  publisher.join();

  const auto sent = client->sent();
  ASSERT_EQ(sent.size(), static_cast<std::size_t>(message_count));
  for (int n = 0; n < message_count; ++n) ASSERT_EQ(sent[n], std::to_string(n));
}

}  // namespace
}  // namespace nadoo::hub
