#include "api/applications_api.hpp"

#include "api/application_json.hpp"
#include "api/envelope.hpp"
#include "util/json_fields.hpp"

namespace nadoo::api {

void add_application_routes(RestRouter& router, const ApiContext& context) {
  router.add("PUT", "/api/v1/applications/{}",
             [context](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
               if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
               auto application =
                   application_from_json(path[0], util::JsonFields::parse_object(request.body));
               auto shown = application_to_json(application);
               context.storage.run(
                   context.executor,
                   [application = std::move(application)](store::Store& store) {
                     store.put_application(application);
                     return true;
                   },
                   [respond, shown = std::move(shown)](store::StoreResult<bool> stored) {
                     respond(stored.ok() ? success_response(200, shown, "Application saved")
                                         : storage_failed(stored));
                   });
             });

  router.add("GET", "/api/v1/applications/{}",
             [context](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
               if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
               context.storage.run(
                   context.executor,
                   [id = path[0]](store::Store& store) { return store.find_application(id); },
                   [respond, id = path[0]](store::StoreResult<std::optional<store::Application>> found) {
                     if (!found.ok()) return respond(storage_failed(found));
                     if (!*found.value) return respond(error_response(404, "No application " + id));
                     respond(success_response(200, application_to_json(**found.value)));
                   });
             });

  router.add("DELETE", "/api/v1/applications/{}",
             [context](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
               if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
               context.storage.run(
                   context.executor,
                   [id = path[0]](store::Store& store) { return store.delete_application(id); },
                   [respond, id = path[0]](store::StoreResult<bool> deleted) {
                     if (!deleted.ok()) return respond(storage_failed(deleted));
                     if (!*deleted.value) return respond(error_response(404, "No application " + id));
                     respond(success_response(200, {{"id", id}}, "Application deleted"));
                   });
             });
}

}  // namespace nadoo::api
