#include "transport/listen_address.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <stdexcept>

namespace nadoo::transport {

namespace net = boost::asio;
using tcp = net::ip::tcp;

tcp::endpoint listen_endpoint(const std::string& host, std::uint16_t port) {
  boost::system::error_code not_an_address;
  const auto address = net::ip::make_address(host, not_an_address);
  if (!not_an_address) return {address, port};

  net::io_context lookup_context;
  tcp::resolver resolver(lookup_context);
  boost::system::error_code error;
  const auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, error);
  if (error || results.empty()) {
    throw std::runtime_error(fmt::format("--host {}: not an IP address, and the name does not resolve ({})",
                                         host, error ? error.message() : "no addresses"));
  }
  const auto ipv4 = std::find_if(results.begin(), results.end(),
                                 [](const auto& entry) { return entry.endpoint().address().is_v4(); });
  return (ipv4 != results.end() ? *ipv4 : *results.begin()).endpoint();
}

std::string bind_failure_message(const boost::system::error_code& error, const std::string& host,
                                 std::uint16_t port) {
  if (error == net::error::address_in_use) {
    return fmt::format(
        "port {} is in use on {} (another server is listening there); stop it or choose "
        "another port with --port",
        port, host);
  }
  if (error == net::error::access_denied) {
    return fmt::format(
        "not allowed to listen on port {} (ports below 1024 need privileges); choose another "
        "with --port",
        port);
  }
  if (error == boost::system::errc::address_not_available) {
    return fmt::format("--host {} is not an address of this machine", host);
  }
  return fmt::format("cannot listen on {} port {}: {}", host, port, error.message());
}

}  // namespace nadoo::transport
