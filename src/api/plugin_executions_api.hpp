#pragma once

#include "api/api_context.hpp"
#include "api/rest_router.hpp"
#include "plugin_debug/debug_event_ingest.hpp"
#include "plugin_debug/ingest_request.hpp"

namespace nadoo::api {

/// Plugin executions and their debug events (API key):
/// `POST /api/v1/plugins/executions`, `GET /api/v1/plugins/executions/{id}`,
/// `POST /api/v1/plugins/executions/{id}/events` (one event) and
/// `POST /api/v1/plugins/executions/{id}/events/batch` (the SDK's bundle).
void add_plugin_execution_routes(RestRouter& router, const ApiContext& context,
                                 plugin_debug::DebugEventIngest& ingest, plugin_debug::IngestLimits limits);

}  // namespace nadoo::api
