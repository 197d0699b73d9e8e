#include "endpoints/notifications/notifications_endpoint.hpp"

#include "protocol/server_message.hpp"

namespace nadoo::endpoints {

using protocol::error_message;
using protocol::server_message;

void NotificationsEndpoint::admit(const AdmissionRequest& request, AdmissionDone done) {
  done(policy_.require_token_of_path_user(request));
}

void NotificationsEndpoint::on_open(const hub::ConnectionPtr& connection) {
  hub_.add(connection, {connection->user_id(), {}});
  hub_.join(connection, hub::user_room(connection->user_id()));
  connection->send(server_message("connected", {{"user_id", connection->user_id()}}));
}

void NotificationsEndpoint::on_close(const hub::ConnectionPtr& connection) { hub_.remove(connection->id()); }

}  // namespace nadoo::endpoints
