#pragma once

#include <functional>
#include <optional>
#include <string>

#include "endpoints/admission_policy.hpp"
#include "endpoints/event_rate_limit.hpp"
#include "endpoints/json_endpoint.hpp"
#include "endpoints/presence/presence.hpp"
#include "endpoints/presence/presence_exchange.hpp"
#include "endpoints/workspaces/workspace_memberships.hpp"
#include "hub/hub.hpp"

namespace nadoo::endpoints {

struct WorkspaceDependencies {
  hub::Hub& hub;
  hub::ServerMetrics& metrics;
  const AdmissionPolicy& policy;
  WorkspaceMemberships& memberships;    // shared with the REST side (PUT/DELETE members)
  Presence& presence;                   // shared with the REST side (WorkspaceEvents)
  PresenceExchange& presence_exchange;  // tells the other nodes
};

/// `/ws/workspaces/{workspace_id}`: the workspace's collaboration room;
/// counted in the stats as session `workspace_<id>`. Only members join (a
/// token is required, then membership is read, from the cache or storage). Presence is
/// announced once per user, whatever their tabs on any nodes (`user_joined`/`user_left`); the client events
/// `document_updated`, `application_changed` and `member_added` are checked,
/// rate limited, stamped with the sender and relayed to every other connection
/// of the workspace, the sender's other tabs included.
class WorkspaceEndpoint final : public JsonEndpoint {
 public:
  WorkspaceEndpoint(WorkspaceDependencies dependencies, EventRateLimitSettings rate_limit)
      : JsonEndpoint(dependencies.metrics), dependencies_(dependencies), rate_limit_(rate_limit) {}

  void admit(const AdmissionRequest& request, AdmissionDone done) override;
  void on_open(const hub::ConnectionPtr& connection, FirstMessageSent first_message_sent) override;
  void on_close(const hub::ConnectionPtr& connection) override;

  /// What a node tells its own members of a workspace when a user comes
  /// online on another node, or is no longer online on any.
  static PresenceExchange::Announce announce_presence(hub::Hub& hub);

 protected:
  bool on_json_message(const hub::ConnectionPtr& connection, std::string_view type,
                       const boost::json::object& message) override;

 private:
  /// Takes one event's token from the connection's rate limit.
  static EventRateLimit::Verdict take_event_token(const hub::Connection& connection);
  /// Publishes a valid client event, stamped, to the workspace's other connections.
  void relay(const hub::ConnectionPtr& connection, const boost::json::object& message);

  WorkspaceDependencies dependencies_;
  const EventRateLimitSettings rate_limit_;
};

}  // namespace nadoo::endpoints
