#pragma once

#include "api/http_message.hpp"
#include "auth/api_keys.hpp"
#include "hub/broker.hpp"
#include "hub/hub.hpp"
#include "hub/server_metrics.hpp"

namespace nadoo::api {

/// Routes plain HTTP requests: health, readiness, metrics and connection
/// statistics. Called on an I/O thread; never blocks.
class HttpApi {
 public:
  HttpApi(const hub::Hub& hub, const hub::ServerMetrics& metrics, const hub::Broker& broker,
          const auth::ApiKeys& api_keys)
      : hub_(hub), metrics_(metrics), broker_(broker), api_keys_(api_keys) {}

  void handle(const HttpRequest& request, const Respond& respond) const;

 private:
  bool has_valid_api_key(const HttpRequest& request) const;

  const hub::Hub& hub_;
  const hub::ServerMetrics& metrics_;
  const hub::Broker& broker_;
  const auth::ApiKeys& api_keys_;
};

}  // namespace nadoo::api
