#pragma once

#include "endpoints/admission_policy.hpp"
#include "endpoints/json_endpoint.hpp"
#include "hub/hub.hpp"

namespace nadoo::endpoints {

/// `/ws/chat/{session_id}`: a session is a room; every connection to it
/// receives what is said in it. The token is optional unless configured.
class ChatEndpoint final : public JsonEndpoint {
 public:
  ChatEndpoint(hub::Hub& hub, hub::ServerMetrics& metrics, const AdmissionPolicy& policy, bool require_token)
      : JsonEndpoint(metrics), hub_(hub), policy_(policy), require_token_(require_token) {}

  void admit(const AdmissionRequest& request, AdmissionDone done) override;
  void on_open(const hub::ConnectionPtr& connection) override;
  void on_close(const hub::ConnectionPtr& connection) override;

 protected:
  bool on_json_message(const hub::ConnectionPtr& connection, std::string_view type,
                       const boost::json::object& message) override;

 private:
  hub::Hub& hub_;
  const AdmissionPolicy& policy_;
  bool require_token_;
};

}  // namespace nadoo::endpoints
