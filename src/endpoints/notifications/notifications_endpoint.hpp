#pragma once

#include "endpoints/admission_policy.hpp"
#include "endpoints/json_endpoint.hpp"
#include "hub/hub.hpp"

namespace nadoo::endpoints {

/// `/ws/notifications/{user_id}`: the user's own notification room; the
/// token's `sub` must be that user.
class NotificationsEndpoint final : public JsonEndpoint {
 public:
  NotificationsEndpoint(hub::Hub& hub, hub::ServerMetrics& metrics, const AdmissionPolicy& policy)
      : JsonEndpoint(metrics), hub_(hub), policy_(policy) {}

  void admit(const AdmissionRequest& request, AdmissionDone done) override;
  void on_open(const hub::ConnectionPtr& connection) override;
  void on_close(const hub::ConnectionPtr& connection) override;


 private:
  hub::Hub& hub_;
  const AdmissionPolicy& policy_;
};

}  // namespace nadoo::endpoints
