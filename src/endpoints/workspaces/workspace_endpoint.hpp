#pragma once

#include "endpoints/admission_policy.hpp"
#include "endpoints/json_endpoint.hpp"
#include "hub/hub.hpp"

namespace nadoo::endpoints {

/// `/ws/workspaces/{workspace_id}`: the workspace's collaboration room;
/// counted in the stats as session `workspace_<id>`.
class WorkspaceEndpoint final : public JsonEndpoint {
 public:
  WorkspaceEndpoint(hub::Hub& hub, hub::ServerMetrics& metrics, const AdmissionPolicy& policy)
      : JsonEndpoint(metrics), hub_(hub), policy_(policy) {}

  void admit(const AdmissionRequest& request, AdmissionDone done) override;
  void on_open(const hub::ConnectionPtr& connection) override;
  void on_close(const hub::ConnectionPtr& connection) override;


 private:
  hub::Hub& hub_;
  const AdmissionPolicy& policy_;
};

}  // namespace nadoo::endpoints
