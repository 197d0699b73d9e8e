#include "conversation/session_control.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/json/parse.hpp>
#include <optional>

#include "util/json_serialize.hpp"
#include "util/random_id.hpp"

namespace nadoo::conversation {
namespace {

constexpr std::array<std::string_view, 6> kind_names{"started",   "ended",    "cancel",
                                                     "interrupt", "catch_up", "snapshot"};

std::optional<SessionControl::Kind> kind_named(std::string_view name) {
  for (std::size_t i = 0; i < kind_names.size(); ++i) {
    if (kind_names[i] == name) return static_cast<SessionControl::Kind>(i);
  }
  return std::nullopt;
}

std::string text_field(const boost::json::object& message, std::string_view name) {
  const auto* value = message.if_contains(name);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

SessionControl::Message message_of(SessionControl::Kind kind, const boost::json::object& json) {
  SessionControl::Message message(kind, text_field(json, "message_id"), text_field(json, "chat_id"));
  message.request_id = text_field(json, "request_id");
  message.node = text_field(json, "node");
  message.user_id = text_field(json, "user_id");
  if (const auto* deltas = json.if_contains("deltas"); deltas && deltas->is_array()) {
    for (const auto& delta : deltas->get_array()) {
      if (delta.is_string()) message.deltas.emplace_back(delta.get_string());
    }
  }
  if (const auto* sources = json.if_contains("sources"); sources && sources->is_array())
    message.sources = sources->get_array();
  return message;
}

}  // namespace

SessionControl::SessionControl(hub::Hub& hub, const std::string& session_id)
    : hub_(hub), room_(hub::cluster_room("chat:" + session_id)), origin_(util::random_id("", 8)) {}

void SessionControl::listen(OnMessage on_message) {
  listener_ = std::make_shared<hub::RoomListener>(
      [origin = origin_, on_message = std::move(on_message)](const std::string& payload) {
        boost::system::error_code error;
        const auto parsed = boost::json::parse(payload, error);
        const auto* message = parsed.if_object();
        const auto kind = message ? kind_named(text_field(*message, "kind")) : std::nullopt;
        if (error || !kind) return spdlog::error("chat control room: a message that is not one: {}", payload);
        if (text_field(*message, "from") == origin) return;
        on_message(message_of(*kind, *message));
      });
  hub_.listen(listener_, room_);
}

void SessionControl::stop_listening() {
  if (!listener_) return;
  hub_.stop_listening(listener_->id(), room_);
  listener_.reset();
}

void SessionControl::send(const Message& message) {
  boost::json::object json{{"kind", kind_names[static_cast<std::size_t>(message.kind)]},
                           {"message_id", message.message_id},
                           {"from", origin_}};
  if (!message.chat_id.empty()) json["chat_id"] = message.chat_id;
  if (!message.request_id.empty()) json["request_id"] = message.request_id;
  if (!message.node.empty()) json["node"] = message.node;
  if (!message.user_id.empty()) json["user_id"] = message.user_id;
  if (message.kind == Kind::snapshot) {
    boost::json::array deltas;
    deltas.reserve(message.deltas.size());
    for (const auto& delta : message.deltas) deltas.emplace_back(delta);
    json["deltas"] = std::move(deltas);
    if (message.sources) json["sources"] = *message.sources;
  }
  hub_.publish(room_, hub::make_shared_text(util::serialize_json(json)));
}

}  // namespace nadoo::conversation
