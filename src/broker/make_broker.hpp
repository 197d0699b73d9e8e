#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hub/broker.hpp"
#include "hub/server_metrics.hpp"

namespace boost::asio {
class io_context;
}

namespace nadoo::broker {

/// The host name, `port` and a random suffix: unique even for two nodes of
/// one host started with the same port (e.g. `--port 0`).
std::string default_node_id(std::uint16_t port);

/// The broker `--broker` names: `memory` (this node only) or a `redis://`
/// URL (already checked by the option).
std::unique_ptr<hub::Broker> make_broker(boost::asio::io_context& io_context, const std::string& broker,
                                         const std::string& node_id, hub::ServerMetrics& metrics);

}  // namespace nadoo::broker
