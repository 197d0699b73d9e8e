#include "app/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/http_api.hpp"
#include "auth/api_keys.hpp"
#include "auth/jwt_verifier.hpp"
#include "broker/in_process_broker.hpp"
#include "endpoints/chat/chat_endpoint.hpp"
#include "endpoints/echo/echo_endpoint.hpp"
#include "endpoints/notifications/notifications_endpoint.hpp"
#include "endpoints/plugin_debug/plugin_debug_endpoint.hpp"
#include "endpoints/workspaces/workspace_endpoint.hpp"
#include "hub/hub.hpp"
#include "transport/listener.hpp"

namespace nadoo::app {
namespace {

namespace net = boost::asio;
using endpoints::EndpointFamily;

/// How often shutdown checks whether every close handshake has finished.
constexpr auto shutdown_poll_interval = std::chrono::milliseconds(20);

std::string read_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

auth::JwtSettings jwt_settings(const config::ServerConfig& config) {
  auth::JwtSettings settings;
  settings.algorithm = *auth::parse_jwt_algorithm(config.jwt_algorithm);  // validated by the command line
  settings.secret = config.jwt_secret;
  if (!config.jwt_public_key_file.empty()) settings.public_key_pem = read_file(config.jwt_public_key_file);
  settings.issuer = config.jwt_issuer;
  settings.audience = config.jwt_audience;
  settings.leeway = std::chrono::seconds(config.jwt_leeway_seconds);
  return settings;
}

/// Closes every connection with 1001 and stops the I/O threads once they are
/// all gone or the grace period is over.
class GracefulShutdown : public std::enable_shared_from_this<GracefulShutdown> {
 public:
  GracefulShutdown(net::io_context& io_context, const transport::TransportContext& context,
                   std::chrono::seconds grace)
      : io_context_(io_context),
        context_(context),
        timer_(io_context),
        deadline_(std::chrono::steady_clock::now() + grace) {}

  void wait_for_connections() {
    const auto left = context_.live_websocket_sessions.load();
    if (left <= 0 || std::chrono::steady_clock::now() >= deadline_) {
      spdlog::info("shutdown: {} connections left; stopping", left);
      return io_context_.stop();
    }
    timer_.expires_after(shutdown_poll_interval);
    timer_.async_wait(
        [self = shared_from_this()](boost::system::error_code) { self->wait_for_connections(); });
  }

 private:
  net::io_context& io_context_;
  const transport::TransportContext& context_;
  net::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace

int run_server(const config::ServerConfig& config) {
  const unsigned thread_count =
      config.io_threads ? config.io_threads : std::max(1u, std::thread::hardware_concurrency());
  net::io_context io_context(static_cast<int>(thread_count));

  if (config.jwt_secret.empty() && config.jwt_public_key_file.empty()) {
    spdlog::warn("no JWT_SECRET or public key configured: every token will be refused");
  }
  const auth::JwtVerifier verifier = [&] {
    auto settings = jwt_settings(config);
    // With nothing to verify against, a random secret makes every token fail
    // instead of the server refusing to start for anonymous chat.
    if (auth::is_hmac(settings.algorithm) && settings.secret.empty()) settings.secret = "\x01unset\x02";
    return auth::JwtVerifier(std::move(settings));
  }();
  const auth::ApiKeys api_keys(config.api_keys);
  if (api_keys.empty())
    spdlog::warn("no API keys configured (NADOO_API_KEYS): server-to-server REST is closed");

  hub::ServerMetrics metrics;
  broker::InProcessBroker broker;
  hub::Hub hub(broker);
  const endpoints::AdmissionPolicy admission(verifier);
  endpoints::ChatEndpoint chat(hub, metrics, admission, config.chat_require_token);
  endpoints::NotificationsEndpoint notifications(hub, metrics, admission);
  endpoints::WorkspaceEndpoint workspaces(hub, metrics, admission);
  endpoints::PluginDebugEndpoint plugin_debug(hub, metrics);
  endpoints::EchoEndpoint echo(hub);
  const api::HttpApi http_api(hub, metrics, broker, api_keys);

  transport::TransportContext context{config, metrics, http_api};
  context.endpoints[static_cast<std::size_t>(EndpointFamily::chat)] = &chat;
  context.endpoints[static_cast<std::size_t>(EndpointFamily::notifications)] = &notifications;
  context.endpoints[static_cast<std::size_t>(EndpointFamily::workspaces)] = &workspaces;
  context.endpoints[static_cast<std::size_t>(EndpointFamily::plugin_debug)] = &plugin_debug;
  context.endpoints[static_cast<std::size_t>(EndpointFamily::echo)] = &echo;

  const net::ip::tcp::endpoint address(net::ip::make_address(config.host), config.port);
  auto listener = std::make_shared<transport::Listener>(io_context, address, context);
  listener->start();
  const auto bound = listener->local_endpoint();
  // Printed whatever the log level: with --port 0 it is how a caller learns the port.
  fmt::print("nadoo-realtime listening on http://{}:{} with {} I/O threads\n", bound.address().to_string(),
             bound.port(), thread_count);
  std::fflush(stdout);

  net::signal_set signals(io_context, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code error, int signal) {
    if (error) return;
    spdlog::info("signal {}: closing {} connections with 1001", signal, metrics.connections_open.load());
    context.stopping = true;
    listener->stop();
    for (const auto& connection : hub.connections())
      connection->close(hub::CloseCode::going_away, "Server shutdown");
    std::make_shared<GracefulShutdown>(io_context, context,
                                       std::chrono::seconds(config.shutdown_grace_seconds))
        ->wait_for_connections();
  });

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < thread_count; ++i) threads.emplace_back([&] { io_context.run(); });
  io_context.run();
  for (auto& thread : threads) thread.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace nadoo::app
