#include "redis_publish_count.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <istream>

namespace nadoo::bench {

std::optional<std::uint64_t> redis_publish_calls(std::uint16_t port, std::string& failure) {
  namespace net = boost::asio;
  try {
    net::io_context io_context;
    net::ip::tcp::socket socket(io_context);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    net::write(socket, net::buffer(std::string_view("INFO commandstats\r\n")));
    // A bulk string: `$LENGTH\r\n` then the text, every line `\r\n`-ended.
    net::streambuf reply;
    net::read_until(socket, reply, "\r\n");
    std::istream lines(&reply);
    std::string header;
    std::getline(lines, header);
    std::size_t length = 0;
    std::from_chars(header.data() + 1, header.data() + header.size(), length);
    if (reply.size() < length) net::read(socket, reply, net::transfer_exactly(length - reply.size()));
    constexpr std::string_view wanted = "cmdstat_publish:calls=";
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(wanted, 0) != 0) continue;
      std::uint64_t calls = 0;
      std::from_chars(line.data() + wanted.size(), line.data() + line.size(), calls);
      return calls;
    }
    return 0;  // no PUBLISH served yet
  } catch (const std::exception& error) {
    failure = std::string("reading Redis INFO: ") + error.what();
    return std::nullopt;
  }
}

}  // namespace nadoo::bench
