#include "endpoints/workspaces/workspace_endpoint.hpp"

#include "protocol/server_message.hpp"

namespace nadoo::endpoints {

using protocol::error_message;
using protocol::server_message;

void WorkspaceEndpoint::admit(const AdmissionRequest& request, AdmissionDone done) {
  done(policy_.require_token(request));
}

void WorkspaceEndpoint::on_open(const hub::ConnectionPtr& connection) {
  const auto& workspace_id = connection->resource_id();
  hub_.add(connection, {connection->user_id(), "workspace_" + workspace_id});
  hub_.join(connection, hub::workspace_room(workspace_id));
  connection->send(
      server_message("connected", {{"workspace_id", workspace_id}, {"user_id", connection->user_id()}}));
}

void WorkspaceEndpoint::on_close(const hub::ConnectionPtr& connection) { hub_.remove(connection->id()); }

}  // namespace nadoo::endpoints
