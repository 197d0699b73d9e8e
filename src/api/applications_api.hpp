#pragma once

#include "api/api_context.hpp"
#include "api/rest_router.hpp"

namespace nadoo::api {

/// PUT|GET|DELETE /api/v1/applications/{id} (API key).
void add_application_routes(RestRouter& router, const ApiContext& context);

}  // namespace nadoo::api
