#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/http_message.hpp"

namespace nadoo::api {

/// The `{}` segments of a matched path, in order, percent-decoded and valid ids.
using PathParameters = std::vector<std::string>;
using RestHandler = std::function<void(const HttpRequest&, const PathParameters&, const Respond&)>;

/// Maps (method, path pattern) to handlers. Patterns are `/`-separated
/// literals and `{}` placeholders (`/api/v1/applications/{}`). A handler
/// that throws util::FieldError gets a 400 with its message; an unknown path
/// a 404; a known path with another method a 405.
class RestRouter {
 public:
  void add(std::string method, std::string_view pattern, RestHandler handler);
  void handle(const HttpRequest& request, const Respond& respond) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{}" for a placeholder
    RestHandler handler;
  };

  std::vector<Route> routes_;
};

}  // namespace nadoo::api
