#include "ai/openai/upstream_connection.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

namespace nadoo::ai::openai {

namespace {

std::variant<boost::beast::tcp_stream, UpstreamConnection::TlsStream> make_stream(
    UpstreamConnection::Strand strand, boost::asio::ssl::context& tls_context, bool tls) {
  using Variant = std::variant<boost::beast::tcp_stream, UpstreamConnection::TlsStream>;
  if (tls) return Variant(std::in_place_type<UpstreamConnection::TlsStream>, std::move(strand), tls_context);
  return Variant(std::in_place_type<boost::beast::tcp_stream>, std::move(strand));
}

}  // namespace

UpstreamConnection::UpstreamConnection(Strand strand, boost::asio::ssl::context& tls_context,
                                       const UpstreamEndpoint& endpoint)
    : stream_(make_stream(std::move(strand), tls_context, endpoint.tls)) {
  auto* stream = std::get_if<TlsStream>(&stream_);
  if (stream == nullptr) return;
  // SNI names a host, never an address (RFC 6066, section 3).
  if (!endpoint.host_is_address &&
      SSL_set_tlsext_host_name(stream->native_handle(), endpoint.host.c_str()) != 1) {
    throw boost::system::system_error(static_cast<int>(::ERR_get_error()),
                                      boost::asio::error::get_ssl_category(),
                                      "cannot set the TLS server name");
  }
  stream->set_verify_mode(boost::asio::ssl::verify_peer);
  stream->set_verify_callback(boost::asio::ssl::host_name_verification(endpoint.host));
}

boost::beast::tcp_stream& UpstreamConnection::tcp() {
  if (auto* plain = std::get_if<boost::beast::tcp_stream>(&stream_)) return *plain;
  return std::get<TlsStream>(stream_).next_layer();
}

void UpstreamConnection::close() {
  boost::system::error_code ignored;
  tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  tcp().close();
}

}  // namespace nadoo::ai::openai
