// api/ owns the REST surface: request handlers and the platform's response
// envelope. Handlers see these plain structs, never Beast.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "transport/request_target.hpp"

namespace nadoo::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  transport::RequestTarget target;
  /// Header names in lower case.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  const std::string* header(std::string_view lower_case_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_case_name) return &value;
    }
    return nullptr;
  }
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  /// Further header fields, e.g. the WebSocket version a 426 asks for.
  std::vector<std::pair<std::string, std::string>> headers = {};
};

/// Handlers answer through this, possibly later and from another thread
/// (storage lookups).
using Respond = std::function<void(HttpResponse)>;

}  // namespace nadoo::api
