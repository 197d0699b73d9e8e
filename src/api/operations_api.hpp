#pragma once

#include "api/api_context.hpp"
#include "api/rest_router.hpp"
#include "hub/broker.hpp"
#include "hub/cluster_stats.hpp"
#include "hub/server_metrics.hpp"

namespace nadoo::api {

/// What the operations routes report on, besides storage (in ApiContext).
struct OperationsSources {
  /// The cluster's figures (this node's alone on a single node).
  const hub::ClusterStats& stats;
  const hub::ServerMetrics& metrics;
  const hub::Broker& broker;
};

/// GET /healthz (alive), /readyz (storage and broker reachable), /metrics
/// (Prometheus), /ws/stats and /api/v1/ws/stats (API key; the spec's document).
void add_operations_routes(RestRouter& router, const ApiContext& context, const OperationsSources& sources);

}  // namespace nadoo::api
