#include "api/plugin_executions_api.hpp"

#include "api/envelope.hpp"
#include "api/query_parameters.hpp"
#include "protocol/plugin_debug_messages.hpp"
#include "protocol/server_message.hpp"
#include "util/json_fields.hpp"
#include "util/random_id.hpp"

namespace nadoo::api {
namespace {

using plugin_debug::IngestBatch;

// A page of events: a few hundred KiB at the SDK's record sizes.
constexpr std::int64_t default_event_page_size = 200;
constexpr std::int64_t max_event_page_size = 1000;
/// Plugin ids and tool names: 256 bytes is far beyond the platform's.
constexpr std::size_t max_name_bytes = 256;

HttpResponse execution_not_found(const std::string& execution_id) {
  return error_response(404, "No plugin execution " + execution_id);
}

store::PluginExecution execution_from_json(const boost::json::object& body) {
  const util::JsonFields fields(body);
  store::PluginExecution execution;
  execution.plugin_id = fields.required_string("plugin_id", max_name_bytes);
  execution.tool_name = fields.required_string("tool_name", max_name_bytes);
  execution.execution_id = fields.optional_id("execution_id").value_or(util::random_id("exec_"));
  execution.workspace_id = fields.optional_id("workspace_id");
  execution.status = "running";
  execution.started_at = protocol::utc_timestamp_now();
  return execution;
}

/// Stores and relays `batch`, answering 202 with what was kept.
void ingest_and_respond(plugin_debug::DebugEventIngest& ingest, const std::string& execution_id,
                        IngestBatch batch, const Respond& respond) {
  ingest.ingest(execution_id, std::move(batch),
                [respond, execution_id](plugin_debug::DebugEventIngest::Result result) {
                  if (!result.ok()) return respond(storage_failed(result));
                  const auto& appended = *result.value;
                  if (!appended) return respond(execution_not_found(execution_id));
                  boost::json::object shown{{"execution_id", execution_id},
                                            {"accepted", appended->stored.size()},
                                            {"dropped", appended->dropped},
                                            {"status", appended->status}};
                  shown["last_sequence"] = appended->stored.empty()
                                               ? boost::json::value(nullptr)
                                               : boost::json::value(appended->stored.back().sequence);
                  respond(success_response(202, std::move(shown), "Events accepted"));
                });
}

}  // namespace

void add_plugin_execution_routes(RestRouter& router, const ApiContext& context,
                                 plugin_debug::DebugEventIngest& ingest, plugin_debug::IngestLimits limits) {
  router.add(
      "POST", "/api/v1/plugins/executions",
      [context](const HttpRequest& request, const PathParameters&, const Respond& respond) {
        if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
        auto execution = execution_from_json(util::JsonFields::parse_object(request.body));
        auto shown = protocol::execution_json(execution);
        context.storage.run(
            context.executor,
            [execution = std::move(execution)](store::Store& store) {
              return store.plugin_executions().create_execution(execution);
            },
            [respond, shown = std::move(shown)](store::StoreResult<bool> created) {
              if (!created.ok()) return respond(storage_failed(created));
              if (!*created.value) {
                return respond(error_response(409, "A plugin execution with this `execution_id` exists"));
              }
              respond(success_response(201, shown, "Execution created"));
            });
      });

  router.add("GET", "/api/v1/plugins/executions/{}",
             [context](const HttpRequest& request, const PathParameters& path, const Respond& respond) {
               if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
               const auto after = integer_query_parameter(request, "after", 0, INT64_MAX).value_or(0);
               const auto limit = integer_query_parameter(request, "limit", 1, max_event_page_size)
                                      .value_or(default_event_page_size);
               using Found = std::optional<std::pair<store::PluginExecution, store::DebugEventPage>>;
               context.storage.run(
                   context.executor,
                   [id = path[0], after, limit](store::Store& store) -> Found {
                     auto& executions = store.plugin_executions();
                     auto execution = executions.find_execution(id);
                     if (!execution) return std::nullopt;
                     return std::pair{std::move(*execution),
                                      executions.events_after(id, after, static_cast<std::size_t>(limit))};
                   },
                   [respond, id = path[0]](store::StoreResult<Found> found) {
                     if (!found.ok()) return respond(storage_failed(found));
                     if (!*found.value) return respond(execution_not_found(id));
                     const auto& [execution, page] = **found.value;
                     auto shown = protocol::execution_json(execution);
                     boost::json::array events;
                     for (const auto& event : page.events)
                       events.push_back(protocol::debug_event_json(event));
                     shown["events"] = std::move(events);
                     shown["has_more"] = page.has_more;
                     respond(success_response(200, std::move(shown)));
                   });
             });

  router.add("POST", "/api/v1/plugins/executions/{}/events",
             [context, &ingest, limits](const HttpRequest& request, const PathParameters& path,
                                        const Respond& respond) {
               if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
               auto batch = plugin_debug::read_single_event(util::JsonFields::parse_object(request.body),
                                                            protocol::utc_timestamp_now(), limits);
               ingest_and_respond(ingest, path[0], std::move(batch), respond);
             });

  router.add("POST", "/api/v1/plugins/executions/{}/events/batch",
             [context, &ingest, limits](const HttpRequest& request, const PathParameters& path,
                                        const Respond& respond) {
               if (!context.authenticator.has_valid_api_key(request)) return respond(api_key_required());
               auto batch = plugin_debug::read_debug_bundle(util::JsonFields::parse_object(request.body),
                                                            path[0], protocol::utc_timestamp_now(), limits);
               ingest_and_respond(ingest, path[0], std::move(batch), respond);
             });
}

}  // namespace nadoo::api
