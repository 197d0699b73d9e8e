#include "api/http_api.hpp"

#include "api/envelope.hpp"
#include "api/prometheus_metrics.hpp"
#include "api/stats_document.hpp"

namespace nadoo::api {

void HttpApi::handle(const HttpRequest& request, const Respond& respond) const {
  const auto path = request.target.path();
  const bool known = path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/ws/stats" ||
                     path == "/api/v1/ws/stats";
  if (!known) return respond(error_response(404, "No such resource: " + path));
  if (request.method != "GET") return respond(error_response(405, "Only GET is allowed on " + path));

  if (path == "/healthz") return respond(success_response(200, {{"status", "alive"}}));
  if (path == "/readyz") {
    const bool ready = broker_.is_ready();
    return respond(ready ? success_response(200, {{"broker", "ready"}})
                         : error_response(503, "The broker cannot carry messages"));
  }
  if (path == "/metrics") {
    return respond(HttpResponse{200, "text/plain; version=0.0.4", render_prometheus_metrics(metrics_)});
  }
  if (!has_valid_api_key(request))
    return respond(error_response(401, "A valid X-API-Key header is required"));
  respond(HttpResponse{200, "application/json", render_stats_document(hub_.stats())});
}

bool HttpApi::has_valid_api_key(const HttpRequest& request) const {
  const auto* key = request.header("x-api-key");
  return key && api_keys_.accepts(*key);
}

}  // namespace nadoo::api
