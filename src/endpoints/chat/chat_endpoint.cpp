#include "endpoints/chat/chat_endpoint.hpp"

#include "endpoints/server_message.hpp"

namespace nadoo::endpoints {

void ChatEndpoint::admit(const AdmissionRequest& request, AdmissionDone done) {
  done(require_token_ ? policy_.require_token(request) : policy_.allow_guest(request));
}

void ChatEndpoint::on_open(const hub::ConnectionPtr& connection) {
  const auto& session_id = connection->resource_id();
  hub_.add(connection, {connection->user_id(), session_id});
  hub_.join(connection, hub::chat_room(session_id));
  connection->send(
      server_message("connected", {{"session_id", session_id}, {"user_id", connection->user_id()}}));
}

void ChatEndpoint::on_close(const hub::ConnectionPtr& connection) {
  const auto room = hub::chat_room(connection->resource_id());
  hub_.remove(connection->id());
  // One notice per participant, when their last connection (tab) leaves.
  if (hub_.user_connections_in_room(room, connection->user_id()) == 0) {
    hub_.publish(room, server_message("user_disconnected", {{"user_id", connection->user_id()},
                                                            {"session_id", connection->resource_id()}}));
  }
}

bool ChatEndpoint::on_json_message(const hub::ConnectionPtr& connection, std::string_view type,
                                   const boost::json::object&) {
  if (type == "typing") {
    hub_.publish(hub::chat_room(connection->resource_id()),
                 server_message("typing", {{"user_id", connection->user_id()},
                                           {"session_id", connection->resource_id()}}),
                 connection->id());
    return true;
  }
  return false;
}

}  // namespace nadoo::endpoints
