// Applications, chats and messages, on every store kind (store_kinds.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store_kinds.hpp"

namespace nadoo::store {
namespace {

using test_support::StoreKindNames;
using test_support::StoreKinds;

template <typename Kind>
class StoreTest : public test_support::StoreTestBase<Kind> {};
TYPED_TEST_SUITE(StoreTest, StoreKinds, StoreKindNames);

Application sample_application(const std::string& id) {
  Application application;
  application.id = id;
  application.name = "Support bot";
  application.provider = "openai";
  application.model = "gpt-4o-mini";
  application.system_prompt = "Answer briefly.";
  application.knowledge_base_ids = {"kb-b", "kb-a"};
  application.temperature = 0.25;
  application.max_tokens = 512;
  application.base_url = "http://localhost:9999/v1";
  application.api_key = "sk-test";
  return application;
}

Chat sample_chat(const std::string& id, const std::string& user_id,
                 const std::string& application_id = "app-1", const std::string& session_id = "session-1") {
  return Chat{id, application_id, session_id, user_id, "2025-01-15T10:30:00Z"};
}

ChatMessage sample_message(const std::string& id, const Chat& chat, const std::string& content) {
  ChatMessage message;
  message.id = id;
  message.chat_id = chat.id;
  message.session_id = chat.session_id;
  message.role = "user";
  message.content = content;
  message.user_id = chat.user_id;
  message.created_at = "2025-01-15T10:30:00.000Z";  // equal timestamps: order must come from insertion
  return message;
}

std::vector<std::string> ids_of(const std::vector<ChatMessage>& messages) {
  std::vector<std::string> ids;
  for (const auto& message : messages) ids.push_back(message.id);
  return ids;
}

TYPED_TEST(StoreTest, a_new_store_is_healthy) { EXPECT_TRUE(this->store_->is_healthy()); }

TYPED_TEST(StoreTest, put_application_then_find_returns_every_field) {
  auto& store = *this->store_;
  store.put_application(sample_application("app-1"));

  const auto found = store.find_application("app-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "Support bot");
  EXPECT_EQ(found->provider, "openai");
  EXPECT_EQ(found->model, "gpt-4o-mini");
  EXPECT_EQ(found->system_prompt, "Answer briefly.");
  EXPECT_EQ(found->knowledge_base_ids, (std::vector<std::string>{"kb-b", "kb-a"}));
  EXPECT_DOUBLE_EQ(found->temperature, 0.25);
  EXPECT_EQ(found->max_tokens, 512);
  EXPECT_EQ(found->base_url, "http://localhost:9999/v1");
  EXPECT_EQ(found->api_key, "sk-test");
  EXPECT_FALSE(store.find_application("app-2"));
}

TYPED_TEST(StoreTest, put_application_replaces_the_stored_one) {
  auto& store = *this->store_;
  store.put_application(sample_application("app-1"));
  auto changed = sample_application("app-1");
  changed.name = "Renamed";
  changed.knowledge_base_ids = {"kb-c"};
  changed.api_key = "";
  store.put_application(changed);

  const auto found = store.find_application("app-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "Renamed");
  EXPECT_EQ(found->knowledge_base_ids, std::vector<std::string>{"kb-c"});
  EXPECT_EQ(found->api_key, "");
}

TYPED_TEST(StoreTest, delete_application_removes_it_and_tells_whether_it_existed) {
  auto& store = *this->store_;
  store.put_application(sample_application("app-1"));
  EXPECT_TRUE(store.delete_application("app-1"));
  EXPECT_FALSE(store.find_application("app-1"));
  EXPECT_FALSE(store.delete_application("app-1"));
  // Its knowledge base list went with it: a new application of that id starts empty.
  auto fresh = sample_application("app-1");
  fresh.knowledge_base_ids.clear();
  store.put_application(fresh);
  EXPECT_TRUE(store.find_application("app-1")->knowledge_base_ids.empty());
}

TYPED_TEST(StoreTest, create_chat_then_find_chat_returns_it) {
  auto& store = *this->store_;
  store.create_chat(sample_chat("chat-1", "alice"));
  const auto chat = store.find_chat("chat-1");
  ASSERT_TRUE(chat);
  EXPECT_EQ(chat->application_id, "app-1");
  EXPECT_EQ(chat->session_id, "session-1");
  EXPECT_EQ(chat->user_id, "alice");
  EXPECT_EQ(chat->created_at, "2025-01-15T10:30:00Z");
  EXPECT_FALSE(store.find_chat("chat-2"));
}

TYPED_TEST(StoreTest, message_of_an_unknown_chat_is_refused_and_a_stored_id_is_kept_as_first_stored) {
  auto& store = *this->store_;
  const auto chat = sample_chat("chat-1", "alice");
  EXPECT_THROW(store.append_message(sample_message("m-1", chat, "hi")), StoreError);
  store.create_chat(chat);
  store.append_message(sample_message("m-1", chat, "hi"));
  store.append_message(sample_message("m-1", chat, "again"));  // e.g. two nodes storing a lost answer
  const auto messages = store.recent_messages(chat.id, 1000);
  ASSERT_EQ(messages.size(), 1U);
  EXPECT_EQ(messages[0].content, "hi");
  EXPECT_THROW(store.create_chat(chat), StoreError);
}

TYPED_TEST(StoreTest, messages_come_back_in_insertion_order_with_every_field) {
  auto& store = *this->store_;
  const auto chat = sample_chat("chat-1", "alice");
  store.create_chat(chat);
  auto answer = sample_message("m-a", chat, "Hello!");
  answer.role = "assistant";
  answer.tokens_used = 12;
  answer.sources_json = R"([{"chunk_id":"doc#1"}])";
  answer.finish_reason = "stop";
  store.append_message(sample_message("m-c", chat, "Hi"));
  store.append_message(answer);
  store.append_message(sample_message("m-b", chat, "Thanks"));

  const auto messages = store.recent_messages("chat-1", 1000);
  EXPECT_EQ(ids_of(messages), (std::vector<std::string>{"m-c", "m-a", "m-b"}));
  const auto& stored = messages[1];
  EXPECT_EQ(stored.chat_id, "chat-1");
  EXPECT_EQ(stored.session_id, "session-1");
  EXPECT_EQ(stored.role, "assistant");
  EXPECT_EQ(stored.content, "Hello!");
  EXPECT_EQ(stored.user_id, "alice");
  EXPECT_EQ(stored.created_at, "2025-01-15T10:30:00.000Z");
  EXPECT_EQ(stored.tokens_used, 12);
  EXPECT_EQ(stored.sources_json, R"([{"chunk_id":"doc#1"}])");
  EXPECT_EQ(stored.finish_reason, "stop");
}

TYPED_TEST(StoreTest, recent_messages_are_the_newest_that_fit_the_character_budget) {
  auto& store = *this->store_;
  const auto chat = sample_chat("chat-1", "alice");
  store.create_chat(chat);
  store.append_message(sample_message("m-1", chat, "0123456789"));
  store.append_message(sample_message("m-2", chat, "0123456789"));
  store.append_message(sample_message("m-3", chat, "héllo wörld"));  // 11 characters, 13 bytes

  EXPECT_EQ(ids_of(store.recent_messages("chat-1", 31)), (std::vector<std::string>{"m-1", "m-2", "m-3"}));
  EXPECT_EQ(ids_of(store.recent_messages("chat-1", 30)), (std::vector<std::string>{"m-2", "m-3"}));
  EXPECT_EQ(ids_of(store.recent_messages("chat-1", 11)), std::vector<std::string>{"m-3"});
  EXPECT_TRUE(store.recent_messages("chat-1", 10).empty());
  EXPECT_TRUE(store.recent_messages("chat-unknown", 1000).empty());
}

TYPED_TEST(StoreTest, session_answers_since_are_the_sessions_assistant_messages_from_then_on) {
  auto& store = *this->store_;
  const auto chat = sample_chat("chat-1", "alice");
  store.create_chat(chat);
  const auto answer = [&](const std::string& id, const std::string& created_at) {
    auto message = sample_message(id, chat, "answer " + id);
    message.role = "assistant";
    message.created_at = created_at;
    return message;
  };
  store.append_message(answer("m-old", "2025-01-15T10:00:00.000Z"));
  auto question = sample_message("m-question", chat, "a question");
  question.created_at = "2025-01-15T11:00:00.000Z";
  store.append_message(question);
  store.append_message(answer("m-at", "2025-01-15T11:00:00.000Z"));
  store.append_message(answer("m-new", "2025-01-15T12:00:00.000Z"));

  EXPECT_EQ(ids_of(store.session_answers_since(chat.session_id, "2025-01-15T11:00:00.000Z", 10)),
            (std::vector<std::string>{"m-at", "m-new"}));
  EXPECT_EQ(ids_of(store.session_answers_since(chat.session_id, "2025-01-15T11:00:00.000Z", 1)),
            std::vector<std::string>{"m-at"});
  EXPECT_TRUE(store.session_answers_since("another-session", "2025-01-15T00:00:00.000Z", 10).empty());
}

TYPED_TEST(StoreTest, recent_messages_leave_no_gap_behind_a_message_too_long_to_fit) {
  auto& store = *this->store_;
  const auto chat = sample_chat("chat-1", "alice");
  store.create_chat(chat);
  store.append_message(sample_message("m-1", chat, "short"));
  store.append_message(sample_message("m-2", chat, std::string(100, 'x')));
  store.append_message(sample_message("m-3", chat, "short"));

  EXPECT_EQ(ids_of(store.recent_messages("chat-1", 50)), std::vector<std::string>{"m-3"});
}

TYPED_TEST(StoreTest, reopening_keeps_the_data) {
  this->store_->put_application(sample_application("app-1"));
  this->store_->create_chat(sample_chat("chat-1", "alice"));
  this->store_->append_message(sample_message("m-1", sample_chat("chat-1", "alice"), "kept"));
  this->reopen();
  EXPECT_TRUE(this->store_->find_application("app-1"));
  EXPECT_EQ(ids_of(this->store_->recent_messages("chat-1", 100)), std::vector<std::string>{"m-1"});
}

MessageQuery by_application(const std::string& user_id, const std::string& application_id) {
  MessageQuery query;
  query.user_id = user_id;
  query.application_id = application_id;
  return query;
}

MessageQuery by_session(const std::string& user_id, const std::string& session_id) {
  MessageQuery query;
  query.user_id = user_id;
  query.session_id = session_id;
  return query;
}

/// alice has two chats of app-1 (two sessions) and one of app-2; bob one of app-1.
template <typename Kind>
class MessageListingTest : public test_support::StoreTestBase<Kind> {
 protected:
  void SetUp() override {
    const auto alice_first = sample_chat("chat-a1", "alice", "app-1", "session-1");
    const auto alice_second = sample_chat("chat-a2", "alice", "app-1", "session-2");
    const auto alice_other_app = sample_chat("chat-a3", "alice", "app-2", "session-3");
    const auto bob = sample_chat("chat-b1", "bob", "app-1", "session-1");
    auto& store = *this->store_;
    for (const auto& chat : {alice_first, alice_second, alice_other_app, bob}) store.create_chat(chat);
    store.append_message(sample_message("m-1", alice_first, "one"));
    store.append_message(sample_message("m-2", bob, "bob's"));
    store.append_message(sample_message("m-3", alice_second, "three"));
    store.append_message(sample_message("m-4", alice_other_app, "four"));
    store.append_message(sample_message("m-5", alice_first, "five"));
  }

  std::vector<std::string> list(const MessageQuery& query) {
    return ids_of(this->store_->list_messages(query).messages);
  }
};
TYPED_TEST_SUITE(MessageListingTest, StoreKinds, StoreKindNames);

TYPED_TEST(MessageListingTest, listing_by_application_shows_only_the_users_own_chats) {
  EXPECT_EQ(this->list(by_application("alice", "app-1")), (std::vector<std::string>{"m-1", "m-3", "m-5"}));
  EXPECT_EQ(this->list(by_application("bob", "app-1")), std::vector<std::string>{"m-2"});
  EXPECT_TRUE(this->list(by_application("mallory", "app-1")).empty());
}

TYPED_TEST(MessageListingTest, listing_by_session_or_chat_narrows_to_it) {
  EXPECT_EQ(this->list(by_session("alice", "session-1")), (std::vector<std::string>{"m-1", "m-5"}));
  EXPECT_EQ(this->list(by_session("bob", "session-1")), std::vector<std::string>{"m-2"});
  auto query = by_application("alice", "app-1");
  query.chat_id = "chat-a2";
  EXPECT_EQ(this->list(query), std::vector<std::string>{"m-3"});
  // A chat id of another user shows nothing, even with a matching application.
  query.chat_id = "chat-b1";
  EXPECT_TRUE(this->list(query).empty());
}

TYPED_TEST(MessageListingTest, pages_follow_after_and_limit_and_say_whether_more_follow) {
  auto& store = *this->store_;
  auto query = by_application("alice", "app-1");
  query.limit = 2;
  auto page = store.list_messages(query);
  EXPECT_EQ(ids_of(page.messages), (std::vector<std::string>{"m-1", "m-3"}));
  EXPECT_TRUE(page.has_more);

  query.after_message_id = "m-3";
  page = store.list_messages(query);
  EXPECT_EQ(ids_of(page.messages), std::vector<std::string>{"m-5"});
  EXPECT_FALSE(page.has_more);

  // `after` may name a message outside the filter: it only marks a position.
  query.after_message_id = "m-2";
  page = store.list_messages(query);
  EXPECT_EQ(ids_of(page.messages), (std::vector<std::string>{"m-3", "m-5"}));
  EXPECT_FALSE(page.has_more);
}

TYPED_TEST(MessageListingTest, limit_zero_returns_no_messages_but_tells_whether_some_exist) {
  auto query = by_application("alice", "app-1");
  query.limit = 0;
  const auto page = this->store_->list_messages(query);
  EXPECT_TRUE(page.messages.empty());
  EXPECT_TRUE(page.has_more);
}

TYPED_TEST(MessageListingTest, after_an_unknown_message_id_the_page_is_empty) {
  auto query = by_application("alice", "app-1");
  query.after_message_id = "m-404";
  const auto page = this->store_->list_messages(query);
  EXPECT_TRUE(page.messages.empty());
  EXPECT_FALSE(page.has_more);
}

}  // namespace
}  // namespace nadoo::store
