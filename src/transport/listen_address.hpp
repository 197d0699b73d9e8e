#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>

namespace nadoo::transport {

/// The address to listen on for `--host`: an IP address as written, else a
/// host name resolved (`localhost`), its first IPv4 address preferred, as
/// most clients try IPv4 first. Blocking: call at start, before the I/O
/// threads run. Throws std::runtime_error saying what an operator can do.
boost::asio::ip::tcp::endpoint listen_endpoint(const std::string& host, std::uint16_t port);

/// Why binding `host`:`port` failed, as a sentence an operator can act on
/// ("port 8000 is in use on 127.0.0.1 …") rather than the system's text.
std::string bind_failure_message(const boost::system::error_code& error, const std::string& host,
                                 std::uint16_t port);

}  // namespace nadoo::transport
