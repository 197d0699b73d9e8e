#include "api/notifications_api.hpp"

#include "api/envelope.hpp"
#include "api/query_parameters.hpp"
#include "notifications/notification_messages.hpp"
#include "util/json_fields.hpp"

namespace nadoo::api {
namespace {

HttpResponse accepted(bool bulk, const std::vector<store::Notification>& stored) {
  if (!bulk) return success_response(202, {{"id", stored.front().id}}, "Notification accepted");
  boost::json::array ids;
  for (const auto& notification : stored)
    ids.push_back({{"user_id", notification.user_id}, {"id", notification.id}});
  return success_response(202, {{"notifications", std::move(ids)}}, "Notifications accepted");
}

store::NotificationQuery query_for(const std::string& user_id, const HttpRequest& request) {
  store::NotificationQuery query;
  query.user_id = user_id;
  query.unread_only = boolean_parameter(request, "unread", false);
  query.after_id = server_id_parameter(request, "after", store::notification_id_prefix);
  query.limit = static_cast<std::size_t>(page_size_parameter(request));
  return query;
}

}  // namespace

void add_notification_routes(RestRouter& router, const ApiContext& context,
                             notifications::NotificationService& service,
                             const notifications::NotificationLimits& limits) {
  router.add(
      "POST", "/api/v1/notifications",
      [&service, limits, context](const HttpRequest& request, const PathParameters&, const Respond& respond) {
        if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
        const auto publish =
            notifications::parse_notification_request(util::JsonFields::parse_object(request.body), limits);
        service.publish(publish, [respond, bulk = publish.bulk](
                                     store::StoreResult<std::vector<store::Notification>> stored) {
          respond(stored.ok() ? accepted(bulk, *stored.value) : storage_failed(stored));
        });
      });

  router.add("GET", "/api/v1/notifications",
             [context](const HttpRequest& request, const PathParameters&, const Respond& respond) {
               const auto user = context.authenticator.bearer_user(request);
               if (!user) return respond(bearer_token_required());
               context.storage.run(
                   context.executor,
                   [query = query_for(*user, request)](store::Store& store) {
                     return store.notifications().list_notifications(query);
                   },
                   [respond](store::StoreResult<store::NotificationPage> page) {
                     if (!page.ok()) return respond(storage_failed(page));
                     boost::json::array listed;
                     for (const auto& notification : page.value->notifications)
                       listed.push_back(notifications::notification_to_json(notification));
                     respond(success_response(
                         200, {{"notifications", std::move(listed)}, {"has_more", page.value->has_more}}));
                   });
             });
}

}  // namespace nadoo::api
