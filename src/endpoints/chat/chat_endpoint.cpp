#include "endpoints/chat/chat_endpoint.hpp"

#include "protocol/server_message.hpp"
#include "util/json_fields.hpp"

namespace nadoo::endpoints {
namespace {

hub::SharedText user_disconnected_message(const std::string& session_id, const std::string& user_id) {
  return protocol::server_message("user_disconnected", {{"user_id", user_id}, {"session_id", session_id}});
}

}  // namespace

using protocol::server_message;

void ChatEndpoint::admit(const AdmissionRequest& request, AdmissionDone done) {
  done(require_token_ ? policy_.require_token(request) : policy_.allow_guest(request));
}

void ChatEndpoint::on_open(const hub::ConnectionPtr& connection, FirstMessageSent first_message_sent) {
  const auto& session_id = connection->resource_id();
  hub_.add(connection, {connection->user_id(), session_id});
  // The session adds it to the room (after replaying an answer in progress).
  // Asked before `connected` goes out, so anything published after the client
  // sees `connected` finds it in the room; the session's messages to it queue
  // behind `connected`, which this strand sends first.
  chat_service_.session(session_id)->join(connection);
  presence_.arrive(connection, [&](const Presence::Arrival& arrival) {
    if (arrival.first_on_this_node) presence_exchange_.local_change(session_id, connection->user_id(), true);
  });
  connection->send(
      server_message("connected", {{"session_id", session_id}, {"user_id", connection->user_id()}}));
  first_message_sent();
}

void ChatEndpoint::on_close(const hub::ConnectionPtr& connection) {
  hub_.remove(connection->id());
  const auto& session_id = connection->resource_id();
  presence_.depart(*connection, [&](const Presence::Departure& departure) {
    // Each node tells its own participants, from its own view.
    if (departure.last_connection)
      hub_.publish_local(hub::chat_room(session_id),
                         user_disconnected_message(session_id, connection->user_id()));
    if (departure.last_on_this_node)
      presence_exchange_.local_change(session_id, connection->user_id(), false);
  });
  chat_service_.session(session_id)->connection_left();
}

PresenceExchange::Announce ChatEndpoint::announce_presence(hub::Hub& hub) {
  return [&hub](const std::string& session_id, const std::string& user_id, bool online) {
    if (!online)
      hub.publish_local(hub::chat_room(session_id), user_disconnected_message(session_id, user_id));
  };
}

bool ChatEndpoint::on_json_message(const hub::ConnectionPtr& connection, std::string_view type,
                                   const boost::json::object& message) {
  if (type == "chat" || type == "message") {
    on_chat(connection, message);
  } else if (type == "cancel") {
    on_cancel(connection, message);
  } else if (type == "typing") {
    on_typing(connection);
  } else {
    return false;
  }
  return true;
}

void ChatEndpoint::on_chat(const hub::ConnectionPtr& connection, const boost::json::object& message) {
  const util::JsonFields fields(message);
  // `user_id` and `timestamp` in the message are the client's view; the
  // server's own (the token's user, its clock) are what count.
  conversation::ChatRequest request{connection->resource_id(), connection->user_id(),
                                    fields.required_string("content", max_content_bytes_),
                                    fields.required_id("application_id"), fields.optional_id("chat_id")};
  chat_service_.session(connection->resource_id())->submit(connection, std::move(request));
}

void ChatEndpoint::on_cancel(const hub::ConnectionPtr& connection, const boost::json::object& message) {
  auto message_id = util::JsonFields(message).optional_id("message_id");
  chat_service_.session(connection->resource_id())->cancel(connection, std::move(message_id));
}

void ChatEndpoint::on_typing(const hub::ConnectionPtr& connection) {
  chat_service_.session(connection->resource_id())
      ->relay(server_message("typing",
                             {{"user_id", connection->user_id()}, {"session_id", connection->resource_id()}}),
              connection->id());
}

}  // namespace nadoo::endpoints
