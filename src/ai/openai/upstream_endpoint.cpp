#include "ai/openai/upstream_endpoint.hpp"

#include <boost/url/parse.hpp>

namespace nadoo::ai::openai {

std::optional<UpstreamEndpoint> chat_completions_endpoint(std::string_view base_url) {
  const auto url = boost::urls::parse_absolute_uri(base_url);
  if (!url || !url->has_authority() || url->encoded_host().empty()) return std::nullopt;
  if (url->has_userinfo()) return std::nullopt;  // credentials belong in api_key, never in a URL

  UpstreamEndpoint endpoint;
  if (url->scheme_id() == boost::urls::scheme::https) {
    endpoint.tls = true;
  } else if (url->scheme_id() == boost::urls::scheme::http) {
    endpoint.tls = false;
  } else {
    return std::nullopt;
  }

  const auto host_type = url->host_type();
  endpoint.host_is_address =
      host_type == boost::urls::host_type::ipv4 || host_type == boost::urls::host_type::ipv6;
  if (host_type == boost::urls::host_type::ipvfuture) return std::nullopt;
  endpoint.host = url->host_address();
  endpoint.port = url->has_port() && !url->port().empty() ? std::string(url->port())
                                                          : std::string(endpoint.tls ? "443" : "80");
  endpoint.host_header = std::string(url->encoded_host_and_port());

  std::string path(url->encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  endpoint.target = path + "/chat/completions";
  if (url->has_query()) endpoint.target += "?" + std::string(url->encoded_query());
  return endpoint;
}

}  // namespace nadoo::ai::openai
