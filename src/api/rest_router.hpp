#pragma once

#include <functional>
#include <optional>
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
/// a 404; a known path with another method a 405 whose `Allow` lists the
/// path's methods. HEAD is served wherever GET is, by the GET handler.
/// Routes are added at start; afterwards every method may be called from
/// any thread.
class RestRouter {
 public:
  void add(std::string method, std::string_view pattern, RestHandler handler);
  void handle(const HttpRequest& request, const Respond& respond) const;
  /// The answer a request gets whatever its headers and body: 404, 405, or
  /// 400 for an invalid id in the path; nullopt when a route takes it. Lets
  /// a session refuse an `Expect: 100-continue` request before its body.
  std::optional<HttpResponse> refusal(std::string_view method, const transport::RequestTarget& target) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{}" for a placeholder
    RestHandler handler;
  };
  struct Lookup {
    const Route* route = nullptr;  // set when a route serves the request
    PathParameters parameters;
    std::optional<HttpResponse> refusal;  // set otherwise
  };

  Lookup find(std::string_view method, const transport::RequestTarget& target) const;

  std::vector<Route> routes_;
};

}  // namespace nadoo::api
