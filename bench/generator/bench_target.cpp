#include "bench_target.hpp"

namespace nadoo::bench {
namespace {

void replace_all(std::string& text, std::string_view placeholder, std::string_view value) {
  for (auto at = text.find(placeholder); at != std::string::npos;
       at = text.find(placeholder, at + value.size())) {
    text.replace(at, placeholder.size(), value);
  }
}

/// 127.0.0.2 … 127.0.0.9: eight addresses that every Linux loopback accepts
/// without configuration (127.0.0.0/8 is all local).
constexpr std::uint32_t first_source_address = 0x7F000002;
constexpr std::size_t source_address_count = 8;

}  // namespace

boost::asio::ip::tcp::endpoint BenchTarget::endpoint() const {
  return {boost::asio::ip::make_address(host), port};
}

std::string BenchTarget::host_header() const { return host + ":" + std::to_string(port); }

std::string BenchTarget::path_for(std::string_view scope_id, std::string_view user_id,
                                  std::string_view token) const {
  std::string path = path_template;
  replace_all(path, "{workspace}", scope_id);
  replace_all(path, "{session}", scope_id);
  replace_all(path, "{user}", user_id);
  replace_all(path, "{token}", token);
  return path;
}

boost::asio::ip::address source_address_for(std::size_t index) {
  return boost::asio::ip::address_v4(
      static_cast<std::uint32_t>(first_source_address + index % source_address_count));
}

}  // namespace nadoo::bench
