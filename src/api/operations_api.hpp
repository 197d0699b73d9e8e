#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "api/request_authenticator.hpp"
#include "api/rest_router.hpp"
#include "hub/broker.hpp"
#include "hub/hub.hpp"
#include "hub/server_metrics.hpp"
#include "store/storage_executor.hpp"

namespace nadoo::api {

struct OperationsSources {
  boost::asio::any_io_executor executor;  // where storage results come back
  const hub::Hub& hub;
  const hub::ServerMetrics& metrics;
  const hub::Broker& broker;
  store::StorageExecutor& storage;
  const RequestAuthenticator& authenticator;
};

/// GET /healthz (alive), /readyz (storage and broker reachable), /metrics
/// (Prometheus), /ws/stats and /api/v1/ws/stats (API key; the spec's document).
void add_operations_routes(RestRouter& router, const OperationsSources& sources);

}  // namespace nadoo::api
