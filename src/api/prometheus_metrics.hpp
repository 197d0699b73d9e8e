#pragma once

#include <string>

#include "hub/server_metrics.hpp"

namespace nadoo::api {

/// ServerMetrics in the Prometheus text exposition format (version 0.0.4).
std::string render_prometheus_metrics(const hub::ServerMetrics& metrics);

}  // namespace nadoo::api
