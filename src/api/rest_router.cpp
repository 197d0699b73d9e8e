#include "api/rest_router.hpp"

#include <spdlog/spdlog.h>

#include "api/envelope.hpp"
#include "util/json_fields.hpp"
#include "util/resource_id.hpp"

namespace nadoo::api {
namespace {

constexpr std::string_view placeholder = "{}";

std::vector<std::string> split_pattern(std::string_view pattern) {
  std::vector<std::string> segments;
  while (!pattern.empty()) {
    pattern.remove_prefix(1);  // the leading '/'
    const auto end = pattern.find('/');
    segments.emplace_back(pattern.substr(0, end));
    pattern = end == std::string_view::npos ? std::string_view() : pattern.substr(end);
  }
  return segments;
}

enum class Match { none, bad_parameter, matched };

Match match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
            PathParameters& parameters) {
  if (pattern.size() != path.size()) return Match::none;
  parameters.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == placeholder) {
      parameters.push_back(path[i]);
    } else if (pattern[i] != path[i]) {
      return Match::none;
    }
  }
  for (const auto& parameter : parameters) {
    if (!util::is_valid_resource_id(parameter)) return Match::bad_parameter;
  }
  return Match::matched;
}

}  // namespace

void RestRouter::add(std::string method, std::string_view pattern, RestHandler handler) {
  routes_.push_back(Route{std::move(method), split_pattern(pattern), std::move(handler)});
}

void RestRouter::handle(const HttpRequest& request, const Respond& respond) const {
  bool path_known = false;
  PathParameters parameters;
  for (const auto& route : routes_) {
    const auto outcome = match(route.segments, request.target.path_segments, parameters);
    if (outcome == Match::none) continue;
    if (outcome == Match::bad_parameter) {
      return respond(error_response(400, "Invalid id in path " + request.target.path()));
    }
    path_known = true;
    if (route.method != request.method) continue;
    try {
      return route.handler(request, parameters, respond);
    } catch (const util::FieldError& error) {
      return respond(error_response(400, error.what()));
    } catch (const std::exception& error) {
      spdlog::error("{} {} failed: {}", request.method, request.target.path(), error.what());
      return respond(error_response(500, "Internal error"));
    }
  }
  if (path_known)
    return respond(error_response(405, request.method + " is not allowed on " + request.target.path()));
  respond(error_response(404, "No such resource: " + request.target.path()));
}

}  // namespace nadoo::api
