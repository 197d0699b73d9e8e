#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <variant>

#include "ai/openai/upstream_endpoint.hpp"

namespace nadoo::ai::openai {

/// One connection to a model provider, plain TCP or TLS, whose operations
/// complete on the strand it was made with. Owned by one stream's strand.
class UpstreamConnection {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  using TlsStream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

  /// A TLS connection sends SNI and checks the certificate against
  /// `endpoint.host` (a name or an IP address) through the context's trust
  /// store. Throws boost::system::system_error when OpenSSL cannot set up.
  UpstreamConnection(Strand strand, boost::asio::ssl::context& tls_context, const UpstreamEndpoint& endpoint);

  bool tls() const { return std::holds_alternative<TlsStream>(stream_); }
  boost::beast::tcp_stream& tcp();

  /// Calls `operation` with the stream HTTP is spoken over: the TCP stream or
  /// the TLS stream on top of it.
  template <class Operation>
  void with_stream(Operation&& operation) {
    std::visit(std::forward<Operation>(operation), stream_);
  }

  /// Closes the socket at once; pending operations complete with an error,
  /// and the peer sees the connection end.
  void close();

 private:
  std::variant<boost::beast::tcp_stream, TlsStream> stream_;
};

}  // namespace nadoo::ai::openai
