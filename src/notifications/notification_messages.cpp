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

std::optional<std::string> notification_id_of(std::string_view payload) {
  boost::system::error_code error;
  const auto parsed = boost::json::parse(payload, error);
  const auto* message = error ? nullptr : parsed.if_object();
  if (!message) return std::nullopt;
  const auto* type = message->if_contains("type");
  const auto* id = message->if_contains("id");
  if (!type || *type != "notification" || !id || !id->is_string()) return std::nullopt;
  return std::string(id->get_string());
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
