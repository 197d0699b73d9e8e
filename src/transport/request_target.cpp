#include "transport/request_target.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace nadoo::transport {

std::optional<std::string> RequestTarget::query_value(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string RequestTarget::path() const {
  std::string joined;
  for (const auto& segment : path_segments) joined += "/" + segment;
  return joined.empty() ? "/" : joined;
}

std::optional<RequestTarget> parse_request_target(std::string_view target) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  RequestTarget parsed;
  for (const auto& segment : url->segments()) parsed.path_segments.emplace_back(segment);
  for (const auto& param : url->params()) {
    parsed.query.emplace_back(param.key, param.has_value ? param.value : std::string());
  }
  return parsed;
}

}  // namespace nadoo::transport
