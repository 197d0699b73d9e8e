#pragma once

#include <cstddef>

#include "api/api_context.hpp"
#include "api/rest_router.hpp"
#include "endpoints/workspaces/workspace_events.hpp"
#include "endpoints/workspaces/workspace_memberships.hpp"

namespace nadoo::api {

/// The platform's workspace calls (API key):
/// - PUT /api/v1/workspaces/{id}/members/{user_id}, optional body `{role}`:
///   201 when added (the workspace gets `member_added`), 200 when already a
///   member (the role is replaced).
/// - DELETE /api/v1/workspaces/{id}/members/{user_id}: 200, or 404 when not a
///   member; the member's connections to the workspace are closed.
/// - GET /api/v1/workspaces/{id}/members?after=<user_id>: members by user id.
/// - POST /api/v1/workspaces/{id}/events `{type, …}`: 202, broadcast to
///   every connection of the workspace; at most `event_max_bytes`.
/// Membership changes go through `memberships`, which keeps the admissions' cache right.
void add_workspace_routes(RestRouter& router, const ApiContext& context, endpoints::WorkspaceEvents& events,
                          endpoints::WorkspaceMemberships& memberships, std::size_t event_max_bytes);

}  // namespace nadoo::api
