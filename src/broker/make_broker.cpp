#include "broker/make_broker.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <variant>

#include "broker/in_process_broker.hpp"
#include "broker/redis/redis_broker.hpp"
#include "util/masked_uri.hpp"
#include "util/random_id.hpp"

namespace nadoo::broker {

std::string default_node_id(std::uint16_t port) {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host = {'n', 'o', 'd', 'e'};
  return std::string(host.data()) + "-" + std::to_string(port) + "-" + util::random_id("", 3);
}

std::unique_ptr<hub::Broker> make_broker(boost::asio::io_context& io_context, const std::string& broker,
                                         const std::string& node_id, hub::ServerMetrics& metrics) {
  if (broker == "memory") return std::make_unique<InProcessBroker>();
  auto address = std::get<redis::RedisAddress>(redis::parse_redis_url(broker));
  spdlog::info("broker: Redis at {}, as node {}", util::with_masked_password(broker), node_id);
  return std::make_unique<redis::RedisBroker>(io_context, std::move(address), node_id, metrics);
}

}  // namespace nadoo::broker
