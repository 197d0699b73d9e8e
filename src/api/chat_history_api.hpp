#pragma once

#include "api/api_context.hpp"
#include "api/rest_router.hpp"

namespace nadoo::api {

/// GET /api/v1/chat/{app_id}/messages?chat_id=&after=&limit= and
/// GET /api/v1/chat/sessions/{session_id}/messages (Bearer JWT): the caller's
/// own messages, oldest first, paginated.
void add_chat_history_routes(RestRouter& router, const ApiContext& context);

}  // namespace nadoo::api
