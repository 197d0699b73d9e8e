#pragma once

#include "api/api_context.hpp"
#include "api/rest_router.hpp"
#include "notifications/notification_service.hpp"

namespace nadoo::api {

/// POST /api/v1/notifications (API key): `{user_id | user_ids, title, body,
/// action_url, data?}` → 202 once stored and sent to the users' rooms.
/// GET /api/v1/notifications?unread=&after=&limit= (Bearer JWT): the
/// caller's notifications, oldest first, paginated.
void add_notification_routes(RestRouter& router, const ApiContext& context,
                             notifications::NotificationService& service,
                             const notifications::NotificationLimits& limits);

}  // namespace nadoo::api
