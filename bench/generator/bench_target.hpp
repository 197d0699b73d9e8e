#pragma once
// The server under load: where to connect and which path to ask for. The same
// generator drives nadoo-realtime and the peer servers, which differ only here.

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nadoo::bench {

struct BenchTarget {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  /// `{workspace}` or `{session}`, `{token}` (and `{user}`) are replaced per connection.
  std::string path_template = "/ws/workspaces/{workspace}?token={token}";

  boost::asio::ip::tcp::endpoint endpoint() const;
  /// The Host header: "host:port".
  std::string host_header() const;
  /// `scope_id` is what the connection joins: a workspace, or a chat session.
  std::string path_for(std::string_view scope_id, std::string_view user_id, std::string_view token) const;
};

/// The loopback source address of connection number `index`: 127.0.0.2 …
/// 127.0.0.9 in turn, so that one address's ephemeral port range (about
/// 28,000 ports) never limits the connection count.
boost::asio::ip::address source_address_for(std::size_t index);

}  // namespace nadoo::bench
