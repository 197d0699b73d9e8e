#include "endpoints/json_endpoint.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>

#include "protocol/server_message.hpp"
#include "util/json_fields.hpp"

namespace nadoo::endpoints {

using protocol::error_message;
using protocol::server_message;

void JsonEndpoint::on_message(const hub::ConnectionPtr& connection, std::string_view message,
                              hub::MessageKind kind) {
  if (kind == hub::MessageKind::binary) {
    return reject(connection, "invalid_message", "Messages are JSON text frames, not binary frames");
  }
  boost::system::error_code parse_error;
  const auto parsed = boost::json::parse(message, parse_error);
  if (parse_error) {
    return reject(connection, "invalid_json",
                  fmt::format("Message is not valid JSON: {}", parse_error.message()));
  }
  const auto* object = parsed.if_object();
  const auto* type = object ? object->if_contains("type") : nullptr;
  if (!type || !type->is_string()) {
    return reject(connection, "invalid_message", "A message is a JSON object with a string field `type`");
  }
  const std::string_view type_name = type->get_string();
  if (type_name == "ping") return connection->send(server_message("pong"));
  try {
    if (!on_json_message(connection, type_name, *object)) {
      reject(connection, "unknown_type", fmt::format("Unknown message type `{}`", type_name.substr(0, 64)));
    }
  } catch (const util::FieldError& error) {
    // A field the message type needs is missing or wrong: one answer for
    // every endpoint, so none repeats it.
    reject(connection, "invalid_message", error.what());
  }
}

void JsonEndpoint::reject(const hub::ConnectionPtr& connection, std::string_view code,
                          std::string_view message) {
  metrics_.client_errors_total.fetch_add(1, std::memory_order_relaxed);
  connection->send(error_message(code, message));
}

}  // namespace nadoo::endpoints
