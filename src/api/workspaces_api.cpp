#include "api/workspaces_api.hpp"

#include <boost/json/array.hpp>

#include "api/envelope.hpp"
#include "api/query_parameters.hpp"
#include "endpoints/workspaces/workspace_event_types.hpp"
#include "protocol/json_or_null.hpp"
#include "protocol/server_message.hpp"
#include "util/json_fields.hpp"

namespace nadoo::api {
namespace {

/// A role is a word or two ("editor"), not content.
constexpr std::size_t max_role_bytes = 64;
/// Members per GET page: most workspaces in one call, the largest in a few.
constexpr std::size_t members_page_size = 500;

/// The role of a PUT body; the body may be empty (no role).
std::optional<std::string> role_of(const HttpRequest& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  const auto body = util::JsonFields::parse_object(request.body);
  auto role = util::JsonFields(body).optional_string("role", max_role_bytes);
  if (role && role->empty()) throw util::FieldError("`role` must not be empty");
  return role;
}

boost::json::object member_to_json(const store::WorkspaceMember& member) {
  return {{"user_id", member.user_id},
          {"role", protocol::json_or_null(member.role)},
          {"added_at", member.added_at}};
}

void add_member_routes(RestRouter& router, const ApiContext& context, endpoints::WorkspaceEvents& events,
                       endpoints::WorkspaceMemberships& memberships) {
  router.add(
      "PUT", "/api/v1/workspaces/{}/members/{}",
      [context, &events, &memberships](const HttpRequest& request, const PathParameters& path,
                                       const Respond& respond) {
        if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
        store::WorkspaceMember member{path[0], path[1], role_of(request), protocol::utc_timestamp_now()};
        memberships.put(member, [respond, &events, member](store::StoreResult<bool> added) {
          if (!added.ok()) return respond(storage_failed(added));
          if (*added.value) events.member_added(member.workspace_id, member.user_id, member.role);
          const boost::json::object shown{{"workspace_id", member.workspace_id},
                                          {"user_id", member.user_id},
                                          {"role", protocol::json_or_null(member.role)}};
          respond(*added.value ? success_response(201, shown, "Member added")
                               : success_response(200, shown, "Already a member"));
        });
      });

  router.add(
      "DELETE", "/api/v1/workspaces/{}/members/{}",
      [context, &events, &memberships](const HttpRequest& request, const PathParameters& path,
                                       const Respond& respond) {
        if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
        memberships.remove(
            path[0], path[1],
            [respond, &events, workspace = path[0], user = path[1]](store::StoreResult<bool> deleted) {
              if (!deleted.ok()) return respond(storage_failed(deleted));
              if (!*deleted.value) {
                return respond(error_response(404, user + " is not a member of workspace " + workspace));
              }
              events.member_removed(workspace, user);
              respond(
                  success_response(200, {{"workspace_id", workspace}, {"user_id", user}}, "Member removed"));
            });
      });

  router.add("GET", "/api/v1/workspaces/{}/members",
             [context](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
               if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
               context.storage.run(
                   context.executor,
                   [workspace = path[0], after = id_parameter(request, "after")](store::Store& store) {
                     return store.workspaces().list_members(workspace, after, members_page_size);
                   },
                   [respond](store::StoreResult<store::WorkspaceMemberPage> page) {
                     if (!page.ok()) return respond(storage_failed(page));
                     boost::json::array members;
                     for (const auto& member : page.value->members) members.push_back(member_to_json(member));
                     respond(success_response(
                         200, {{"members", std::move(members)}, {"has_more", page.value->has_more}}));
                   });
             });
}

void add_event_route(RestRouter& router, const ApiContext& context, endpoints::WorkspaceEvents& events,
                     std::size_t event_max_bytes) {
  router.add("POST", "/api/v1/workspaces/{}/events",
             [context, &events, event_max_bytes](const HttpRequest& request, const PathParameters& path,
                                                 const Respond& respond) {
               if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
               if (request.body.size() > event_max_bytes) {
                 return respond(error_response(
                     413, "An event is at most " + std::to_string(event_max_bytes) + " bytes"));
               }
               auto event = util::JsonFields::parse_object(request.body);
               const util::JsonFields fields(event);
               const auto type = fields.required_string("type", request.body.size());
               endpoints::validate_server_event_type(type);
               fields.optional_id("user_id");  // the platform may say who caused it
               events.broadcast(path[0], std::move(event));
               respond(success_response(202, {{"workspace_id", path[0]}, {"type", type}}, "Event broadcast"));
             });
}

}  // namespace

void add_workspace_routes(RestRouter& router, const ApiContext& context, endpoints::WorkspaceEvents& events,
                          endpoints::WorkspaceMemberships& memberships, std::size_t event_max_bytes) {
  add_member_routes(router, context, events, memberships);
  add_event_route(router, context, events, event_max_bytes);
}

}  // namespace nadoo::api
