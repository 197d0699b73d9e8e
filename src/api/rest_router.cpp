#include "api/rest_router.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>

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

/// HEAD is answered wherever GET is, by the GET handler; the HTTP session
/// sends the answer's head without its body.
bool serves(const std::string& route_method, std::string_view method) {
  return route_method == method || (method == "HEAD" && route_method == "GET");
}

void add_allowed(std::vector<std::string_view>& allowed, std::string_view method) {
  if (std::find(allowed.begin(), allowed.end(), method) == allowed.end()) allowed.push_back(method);
}

}  // namespace

void RestRouter::add(std::string method, std::string_view pattern, RestHandler handler) {
  routes_.push_back(Route{std::move(method), split_pattern(pattern), std::move(handler)});
}

RestRouter::Lookup RestRouter::find(std::string_view method, const transport::RequestTarget& target) const {
  Lookup found;
  std::vector<std::string_view> allowed;
  for (const auto& route : routes_) {
    const auto outcome = match(route.segments, target.path_segments, found.parameters);
    if (outcome == Match::none) continue;
    if (outcome == Match::bad_parameter) {
      found.refusal = error_response(400, "Invalid id in path " + target.path());
      return found;
    }
    if (serves(route.method, method)) {
      found.route = &route;
      return found;
    }
    add_allowed(allowed, route.method);
    if (route.method == "GET") add_allowed(allowed, "HEAD");
  }
  if (allowed.empty()) {
    found.refusal = error_response(404, "No such resource: " + target.path());
    return found;
  }
  found.refusal = error_response(405, std::string(method) + " is not allowed on " + target.path());
  found.refusal->headers.emplace_back("Allow", fmt::format("{}", fmt::join(allowed, ", ")));
  return found;
}

std::optional<HttpResponse> RestRouter::refusal(std::string_view method,
                                                const transport::RequestTarget& target) const {
  return find(method, target).refusal;
}

void RestRouter::handle(const HttpRequest& request, const Respond& respond) const {
  auto found = find(request.method, request.target);
  if (found.refusal) return respond(std::move(*found.refusal));
  try {
    found.route->handler(request, found.parameters, respond);
  } catch (const util::FieldError& error) {
    respond(error_response(400, error.what()));
  } catch (const std::exception& error) {
    spdlog::error("{} {} failed: {}", request.method, request.target.path(), error.what());
    respond(error_response(500, "Internal error"));
  }
}

}  // namespace nadoo::api
