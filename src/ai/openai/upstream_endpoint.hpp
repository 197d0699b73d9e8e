#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nadoo::ai::openai {

/// Where a chat completions request goes, from a base URL such as
/// `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1/`.
struct UpstreamEndpoint {
  bool tls = true;
  std::string host;         // a name or an address, IPv6 without brackets
  std::string port;         // "443" / "80" unless the URL names one
  std::string host_header;  // what the Host header carries
  std::string target;       // the base path + "/chat/completions"
  bool host_is_address = false;
};

/// Nothing when the URL is not an absolute http(s) URL with a host.
std::optional<UpstreamEndpoint> chat_completions_endpoint(std::string_view base_url);

}  // namespace nadoo::ai::openai
