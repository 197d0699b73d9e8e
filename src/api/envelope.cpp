#include "api/envelope.hpp"

#include "util/json_serialize.hpp"

namespace nadoo::api {
namespace {

HttpResponse envelope(unsigned status, boost::json::value data, std::string_view outcome,
                      std::string_view message) {
  const boost::json::object body{
      {"data", std::move(data)}, {"status", outcome}, {"code", status}, {"message", message}};
  return HttpResponse{status, "application/json", util::serialize_json(body)};
}

}  // namespace

HttpResponse success_response(unsigned status, boost::json::value data, std::string_view message) {
  return envelope(status, std::move(data), "success", message);
}

HttpResponse error_response(unsigned status, std::string_view message) {
  return envelope(status, nullptr, "error", message);
}

HttpResponse api_key_required() { return error_response(401, "A valid X-API-Key header is required"); }

HttpResponse bearer_token_required() {
  return error_response(401, "A valid access token is required (Authorization: Bearer <jwt>)");
}

HttpResponse storage_failed(bool unavailable) {
  if (unavailable) return error_response(503, "Storage is unavailable; please retry");
  return error_response(500, "Storage failed; please retry");
}

}  // namespace nadoo::api
