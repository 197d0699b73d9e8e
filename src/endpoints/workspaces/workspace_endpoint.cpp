#include "endpoints/workspaces/workspace_endpoint.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "endpoints/workspaces/workspace_event_types.hpp"
#include "endpoints/workspaces/workspace_messages.hpp"
#include "protocol/server_message.hpp"

namespace nadoo::endpoints {
namespace {

/// What the endpoint keeps per connection, owned by the connection.
struct WorkspaceConnectionState final : hub::EndpointState {
  WorkspaceConnectionState(const EventRateLimitSettings& settings, EventRateLimit::Clock::time_point now)
      : rate_limit(settings, now) {}
  EventRateLimit rate_limit;
};

}  // namespace

void WorkspaceEndpoint::admit(const AdmissionRequest& request, AdmissionDone done) {
  auto admission = dependencies_.policy.require_token(request);
  if (admission.refusal_reason) return done(std::move(admission));
  const auto workspace_id = request.resource_id;
  const auto user_id = admission.user_id;
  dependencies_.memberships.is_member(
      workspace_id, user_id,
      [done = std::move(done), admission = std::move(admission),
       workspace_id](std::optional<bool> is_member) mutable {
        if (!is_member) {
          return done(Admission::storage_unavailable(protocol::error_message(
              "internal_error", "Could not check workspace membership; please retry")));
        }
        if (!*is_member) {
          spdlog::info("workspace {} refused {}: not a member", workspace_id, admission.user_id);
          return done(Admission::refused(not_a_member_close_reason, not_a_member_message(workspace_id)));
        }
        done(std::move(admission));
      });
}

void WorkspaceEndpoint::on_open(const hub::ConnectionPtr& connection, FirstMessageSent first_message_sent) {
  const auto& workspace_id = connection->resource_id();
  const auto& user_id = connection->user_id();
  const auto room = hub::workspace_room(workspace_id);
  auto& hub = dependencies_.hub;
  hub.add(connection, {user_id, "workspace_" + workspace_id});
  connection->set_endpoint_state(
      std::make_unique<WorkspaceConnectionState>(rate_limit_, EventRateLimit::Clock::now()));
  Presence::Arrival arrival;
  dependencies_.presence.arrive(connection, [&](const Presence::Arrival& locked_arrival) {
    // Joining and announcing under the workspace's presence lock: whoever announced
    // before is in `members_online`, whoever announces after finds this
    // connection in the room; nobody is both or neither.
    hub.join(connection, room);
    // Each node announces to its own connections (PresenceExchange).
    if (locked_arrival.first_connection) {
      hub.publish_local(room, presence_message("user_joined", workspace_id, user_id), connection->id());
    }
    if (locked_arrival.first_on_this_node)
      dependencies_.presence_exchange.local_change(workspace_id, user_id, true);
    arrival = locked_arrival;
  });
  // Still first: what others publish to the room reaches this connection
  // through its strand, which runs this handler now.
  connection->send(workspace_connected_message(workspace_id, user_id, arrival.online_users));
  if (!arrival.removal_may_have_raced) return first_message_sent();
  spdlog::info("workspace {}: {} was removed recently; reading the membership again", workspace_id, user_id);
  // The user was removed while this connection was being admitted: read the
  // membership again, now that a later removal would find the connection.
  // Its messages wait for the answer, so a removed user relays nothing.
  dependencies_.memberships.is_member(
      workspace_id, user_id,
      [connection, first_message_sent = std::move(first_message_sent)](std::optional<bool> is_member) {
        if (is_member.value_or(false)) return first_message_sent();
        connection->close_after(not_a_member_message(connection->resource_id()),
                                hub::CloseCode::policy_violation, not_a_member_close_reason);
      });
}

void WorkspaceEndpoint::on_close(const hub::ConnectionPtr& connection) {
  auto& hub = dependencies_.hub;
  hub.remove(connection->id());
  dependencies_.presence.depart(*connection, [&](const Presence::Departure& departure) {
    const auto& workspace_id = connection->resource_id();
    if (departure.last_connection) {
      hub.publish_local(hub::workspace_room(workspace_id),
                        presence_message("user_left", workspace_id, connection->user_id()));
    }
    if (departure.last_on_this_node)
      dependencies_.presence_exchange.local_change(workspace_id, connection->user_id(), false);
  });
}

EventRateLimit::Verdict WorkspaceEndpoint::take_event_token(const hub::Connection& connection) {
  // Set by on_open, which runs before any message reaches the endpoint.
  auto& state = static_cast<WorkspaceConnectionState&>(*connection.endpoint_state());
  return state.rate_limit.take(EventRateLimit::Clock::now());
}

bool WorkspaceEndpoint::on_json_message(const hub::ConnectionPtr& connection, std::string_view type,
                                        const boost::json::object& message) {
  // Every message but `ping` counts, so that a flood of refused or unknown
  // messages is limited like a flood of events.
  switch (take_event_token(*connection)) {
    case EventRateLimit::Verdict::accept:
      break;
    case EventRateLimit::Verdict::refuse:
      reject(connection, "rate_limit",
             fmt::format("Too many events: at most {} a second; this one was not relayed",
                         rate_limit_.events_per_second));
      return true;
    case EventRateLimit::Verdict::close:
      reject(connection, "rate_limit", "Too many events refused; closing the connection");
      spdlog::info("workspace {}: closing {} for exceeding the event rate limit", connection->resource_id(),
                   connection->user_id());
      connection->close(hub::CloseCode::policy_violation, "Rate limit exceeded");
      return true;
  }
  if (is_server_only_event_type(type)) {
    reject(connection, "forbidden", fmt::format("`{}` is sent by the server only", type));
    return true;
  }
  if (!is_client_event_type(type)) return false;
  validate_client_event(type, message);
  relay(connection, message);
  return true;
}

void WorkspaceEndpoint::relay(const hub::ConnectionPtr& connection, const boost::json::object& message) {
  const auto& workspace_id = connection->resource_id();
  dependencies_.hub.publish(hub::workspace_room(workspace_id),
                            stamped_event_message(message, workspace_id, &connection->user_id()),
                            connection->id());
}

PresenceExchange::Announce WorkspaceEndpoint::announce_presence(hub::Hub& hub) {
  return [&hub](const std::string& workspace_id, const std::string& user_id, bool online) {
    hub.publish_local(hub::workspace_room(workspace_id),
                      presence_message(online ? "user_joined" : "user_left", workspace_id, user_id));
  };
}

}  // namespace nadoo::endpoints
