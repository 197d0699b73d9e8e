#pragma once

#include "endpoints/json_endpoint.hpp"
#include "hub/hub.hpp"

namespace nadoo::endpoints {

/// `/api/v1/ws/plugin/debug/{execution_id}` (and `/ws/plugin-debug/{id}`):
/// a console on one plugin execution; no token, scoped by the execution id.
/// Answers the plugin SDK's plain-text `ping` with a plain-text `pong`.
class PluginDebugEndpoint final : public JsonEndpoint {
 public:
  PluginDebugEndpoint(hub::Hub& hub, hub::ServerMetrics& metrics) : JsonEndpoint(metrics), hub_(hub) {}

  void admit(const AdmissionRequest& request, AdmissionDone done) override;
  void on_open(const hub::ConnectionPtr& connection) override;
  void on_message(const hub::ConnectionPtr& connection, std::string_view message,
                  hub::MessageKind kind) override;
  void on_close(const hub::ConnectionPtr& connection) override;


 private:
  hub::Hub& hub_;
};

}  // namespace nadoo::endpoints
