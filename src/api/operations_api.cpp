#include "api/operations_api.hpp"

#include "api/envelope.hpp"
#include "api/prometheus_metrics.hpp"
#include "api/stats_document.hpp"

namespace nadoo::api {

void add_operations_routes(RestRouter& router, const ApiContext& context, const OperationsSources& sources) {
  router.add("GET", "/healthz", [](const HttpRequest&, const PathParameters&, const Respond& respond) {
    // The version tells which build answers, e.g. while a rolling upgrade runs.
    respond(success_response(200, {{"status", "alive"}, {"version", NADOO_VERSION}}));
  });

  router.add(
      "GET", "/readyz",
      [context, &broker = sources.broker](const HttpRequest&, const PathParameters&, const Respond& respond) {
        const bool broker_ready = broker.is_ready();
        context.storage.run(
            context.executor, [](store::Store& store) { return store.is_healthy(); },
            [broker_ready, respond](store::StoreResult<bool> storage_ready) {
              const bool storage_ok = storage_ready.ok() && *storage_ready.value;
              if (broker_ready && storage_ok)
                return respond(success_response(200, {{"broker", "ready"}, {"storage", "ready"}}));
              respond(error_response(
                  503, !storage_ok ? "Storage is not reachable" : "The broker cannot carry messages"));
            });
      });

  router.add("GET", "/metrics",
             [&metrics = sources.metrics](const HttpRequest&, const PathParameters&, const Respond& respond) {
               respond(HttpResponse{200, "text/plain; version=0.0.4", render_prometheus_metrics(metrics)});
             });

  const auto stats = [&cluster_stats = sources.stats, &authenticator = context.authenticator](
                         const HttpRequest& request, const PathParameters&, const Respond& respond) {
    if (!authenticator.has_valid_api_key(request)) {
      return respond(api_key_required());
    }
    respond(HttpResponse{200, "application/json", render_stats_document(cluster_stats.snapshot())});
  };
  router.add("GET", "/ws/stats", stats);
  router.add("GET", "/api/v1/ws/stats", stats);
}

}  // namespace nadoo::api
