// broker/redis/ carries room messages between nodes through one Redis server
// (PUB/SUB), on hiredis driven by the server's Asio loop.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace nadoo::broker::redis {

/// Where a node's Redis is and how to sign in, from `--broker`'s URL
/// `redis://[[user]:password@]host[:port][/db]`.
struct RedisAddress {
  std::string host;
  unsigned short port = 6379;
  /// Redis 6 ACL user; empty: the default user (`AUTH password`).
  std::string user;
  /// Empty: no AUTH.
  std::string password;
  /// The logical database of the keys the broker keeps (PUB/SUB is not per database).
  unsigned database = 0;
};

/// Why a URL is not a Redis address, for the option's error message.
struct InvalidRedisUrl {
  std::string reason;
};

bool is_redis_url(std::string_view broker);

/// The address of a `redis://` URL, or why it is not one.
std::variant<RedisAddress, InvalidRedisUrl> parse_redis_url(std::string_view url);

}  // namespace nadoo::broker::redis
