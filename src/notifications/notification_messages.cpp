#include "notifications/notification_messages.hpp"

#include <boost/json/parse.hpp>

#include "protocol/json_or_null.hpp"
#include "protocol/server_message.hpp"
#include "util/json_serialize.hpp"

namespace nadoo::notifications {
namespace {

/// The stored `data` object; stored only after validation, so it parses.
boost::json::value stored_data(const store::Notification& notification) {
  if (!notification.data_json) return nullptr;
  boost::system::error_code error;
  auto data = boost::json::parse(*notification.data_json, error);
  return error ? boost::json::value(nullptr) : data;
}

}  // namespace

hub::SharedText notification_message(const store::Notification& notification) {
  boost::json::object content{
      {"title", notification.title}, {"body", notification.body}, {"action_url", notification.action_url}};
  if (notification.data_json) content["data"] = stored_data(notification);
  const boost::json::object message{{"type", "notification"},
                                    {"id", notification.id},
                                    {"notification", std::move(content)},
                                    {"timestamp", notification.created_at}};
  return hub::make_shared_text(util::serialize_json(message));
}

hub::SharedText notification_read_message(std::string_view id) {
  return protocol::server_message("notification_read", {{"id", id}});
}

hub::SharedText backlog_truncated_message(std::string_view last_sent_id) {
  return protocol::server_message("notification_backlog_truncated", {{"after", last_sent_id}});
}

namespace {

/// The `id` of a message of `type`. Our own messages have the type and the
/// id first, and ids have no character to escape: they are read without
/// parsing them.
std::optional<std::string> id_of(std::string_view payload, std::string_view type) {
  const auto own_prefix = R"({"type":")" + std::string(type) + R"(","id":")";
  if (payload.starts_with(own_prefix)) {
    const auto end = payload.find('"', own_prefix.size());
    if (end != std::string_view::npos)
      return std::string(payload.substr(own_prefix.size(), end - own_prefix.size()));
  }
  boost::system::error_code error;
  const auto parsed = boost::json::parse(payload, error);
  const auto* message = error ? nullptr : parsed.if_object();
  if (!message) return std::nullopt;
  const auto* found_type = message->if_contains("type");
  const auto* id = message->if_contains("id");
  if (!found_type || !found_type->is_string() || found_type->get_string() != type || !id || !id->is_string())
    return std::nullopt;
  return std::string(id->get_string());
}

}  // namespace

std::optional<std::string> notification_id_of(std::string_view payload) {
  return id_of(payload, "notification");
}

std::optional<std::string> notification_read_id_of(std::string_view payload) {
  return id_of(payload, "notification_read");
}

boost::json::object notification_to_json(const store::Notification& notification) {
  return {{"id", notification.id},
          {"user_id", notification.user_id},
          {"title", notification.title},
          {"body", notification.body},
          {"action_url", notification.action_url},
          {"data", stored_data(notification)},
          {"created_at", notification.created_at},
          {"read_at", protocol::json_or_null(notification.read_at)}};
}

}  // namespace nadoo::notifications
