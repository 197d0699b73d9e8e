#pragma once

#include "endpoints/admission_policy.hpp"
#include "endpoints/json_endpoint.hpp"
#include "endpoints/notifications/notification_feed.hpp"
#include "hub/hub.hpp"
#include "notifications/notification_service.hpp"

namespace nadoo::endpoints {

/// `/ws/notifications/{user_id}`: the token's `sub` must be that user. After
/// `connected` the user's unread notifications arrive oldest first (the
/// backlog, bounded), then live ones, in order and none lost or doubled,
/// even across a broker outage (NotificationFeed). Messages:
/// `ack {id}` (answered by `notification_read` to every tab), `ping`.
class NotificationsEndpoint final : public JsonEndpoint {
 public:
  /// `held_bytes_limit`: live messages a connection may have waiting while
  /// its backlog is read (NotificationFeed).
  NotificationsEndpoint(hub::Hub& hub, hub::ServerMetrics& metrics, const AdmissionPolicy& policy,
                        notifications::NotificationService& service, notifications::BacklogLimits backlog,
                        std::size_t held_bytes_limit)
      : JsonEndpoint(metrics),
        hub_(hub),
        policy_(policy),
        service_(service),
        backlog_(backlog),
        held_bytes_limit_(held_bytes_limit) {}

  void admit(const AdmissionRequest& request, AdmissionDone done) override;
  void on_open(const hub::ConnectionPtr& connection, FirstMessageSent first_message_sent) override;
  void on_close(const hub::ConnectionPtr& connection) override;

 protected:
  bool on_json_message(const hub::ConnectionPtr& connection, std::string_view type,
                       const boost::json::object& message) override;

 private:
  /// False when storage failed and the connection is closing.
  bool send_backlog(const hub::ConnectionPtr& connection, NotificationFeed& feed,
                    const store::StoreResult<store::NotificationPage>& backlog);
  void on_ack(const hub::ConnectionPtr& connection, const boost::json::object& message);

  hub::Hub& hub_;
  const AdmissionPolicy& policy_;
  notifications::NotificationService& service_;
  const notifications::BacklogLimits backlog_;
  const std::size_t held_bytes_limit_;
};

}  // namespace nadoo::endpoints
