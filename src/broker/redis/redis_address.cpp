#include "broker/redis/redis_address.hpp"

#include <boost/url/parse.hpp>
#include <charconv>

namespace nadoo::broker::redis {

bool is_redis_url(std::string_view broker) { return broker.rfind("redis://", 0) == 0; }

std::variant<RedisAddress, InvalidRedisUrl> parse_redis_url(std::string_view url) {
  if (!is_redis_url(url)) return InvalidRedisUrl{"it does not start with redis://"};
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return InvalidRedisUrl{"it is not a valid URI"};
  RedisAddress address;
  address.host = parsed->encoded_host_address().decode();
  if (address.host.empty()) return InvalidRedisUrl{"it names no host"};
  if (parsed->has_port()) {
    const auto port = parsed->port_number();
    if (port == 0) return InvalidRedisUrl{"its port is not a number from 1 to 65535"};
    address.port = port;
  }
  if (parsed->has_userinfo()) {
    address.user = parsed->encoded_user().decode();
    address.password = parsed->encoded_password().decode();
  }
  const std::string_view path = parsed->encoded_path();
  if (!path.empty() && path != "/") {
    const auto digits = path.substr(1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), address.database);
    if (error != std::errc{} || end != digits.data() + digits.size())
      return InvalidRedisUrl{"its path is not a database number such as /0"};
  }
  if (parsed->has_query() || parsed->has_fragment()) return InvalidRedisUrl{"it has a query or fragment"};
  return address;
}

}  // namespace nadoo::broker::redis
