#include "notifications/notification_request.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/json_fields.hpp"
#include "util/json_serialize.hpp"

namespace nadoo::notifications {
namespace {

std::vector<std::string> recipients(const boost::json::object& body, const util::JsonFields& fields,
                                    const NotificationLimits& limits, bool& bulk) {
  const auto present = [&](std::string_view name) {
    const auto* value = body.if_contains(name);
    return value && !value->is_null();
  };
  if (present("user_id") == present("user_ids")) {
    throw util::FieldError("Exactly one of `user_id` (one user) or `user_ids` (bulk) is required");
  }
  bulk = present("user_ids");
  if (!bulk) return {fields.required_id("user_id")};

  auto listed = *fields.optional_id_array("user_ids", limits.bulk_max_users);
  if (listed.empty()) throw util::FieldError("`user_ids` must hold at least one user id");
  // One notification per user, even when the publisher lists a user twice.
  std::vector<std::string> distinct;
  for (auto& user_id : listed) {
    if (std::find(distinct.begin(), distinct.end(), user_id) == distinct.end())
      distinct.push_back(std::move(user_id));
  }
  return distinct;
}

/// A link a client can follow without risk: a path of the platform's web
/// app, or an http(s) URL; never `javascript:` or another scheme.
bool is_safe_action_url(std::string_view url) {
  const bool path = url.starts_with('/') && !url.starts_with("//");
  const bool web = url.starts_with("https://") || url.starts_with("http://");
  return (path || web) && std::none_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20; });
}

/// A NUL cannot be stored in PostgreSQL text, and would fail a whole batch
/// of publishes there (one insert, NotificationService): refused up front,
/// on every store alike.
std::string without_nul(std::string text, std::string_view name) {
  if (text.find('\0') != std::string::npos)
    throw util::FieldError(fmt::format("`{}` must not contain NUL", name));
  return text;
}

std::optional<std::string> data_object(const boost::json::object& body, const NotificationLimits& limits) {
  const auto* value = body.if_contains("data");
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_object()) throw util::FieldError("`data` must be a JSON object");
  auto text = util::serialize_json(*value);
  if (text.size() > limits.data_max_bytes) {
    throw util::FieldError(
        fmt::format("`data` is too large ({} bytes; at most {})", text.size(), limits.data_max_bytes));
  }
  return text;
}

}  // namespace

NotificationRequest parse_notification_request(const boost::json::object& body,
                                               const NotificationLimits& limits) {
  const util::JsonFields fields(body);
  NotificationRequest request;
  request.user_ids = recipients(body, fields, limits, request.bulk);
  auto& content = request.content;
  content.title = without_nul(fields.required_string("title", limits.title_max_bytes), "title");
  content.body = without_nul(fields.required_string("body", limits.body_max_bytes), "body");
  content.action_url = fields.required_string("action_url", limits.action_url_max_bytes);
  if (!is_safe_action_url(content.action_url)) {
    throw util::FieldError("`action_url` must be a path starting with `/` or an http(s) URL, without spaces");
  }
  content.data_json = data_object(body, limits);
  return request;
}

}  // namespace nadoo::notifications
