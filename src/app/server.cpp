#include "app/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "ai/builtin/builtin_provider.hpp"
#include "ai/openai/openai_provider.hpp"
#include "api/applications_api.hpp"
#include "api/chat_history_api.hpp"
#include "api/knowledge_api.hpp"
#include "api/notifications_api.hpp"
#include "api/operations_api.hpp"
#include "api/plugin_executions_api.hpp"
#include "api/static_files.hpp"
#include "api/workspaces_api.hpp"
#include "app/graceful_shutdown.hpp"
#include "app/seed_loader.hpp"
#include "app/settings_from_config.hpp"
#include "auth/api_keys.hpp"
#include "broker/make_broker.hpp"
#include "conversation/chat_service.hpp"
#include "endpoints/chat/chat_endpoint.hpp"
#include "endpoints/echo/echo_endpoint.hpp"
#include "endpoints/notifications/notifications_endpoint.hpp"
#include "endpoints/plugin_debug/plugin_debug_endpoint.hpp"
#include "endpoints/workspaces/workspace_endpoint.hpp"
#include "endpoints/workspaces/workspace_events.hpp"
#include "hub/cluster_stats.hpp"
#include "hub/hub.hpp"
#include "plugin_debug/debug_event_ingest.hpp"
#include "store/periodic_storage_task.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/postgres/pg_uri.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "transport/listen_address.hpp"
#include "transport/listener.hpp"
#include "util/masked_uri.hpp"
#include "util/thread_name.hpp"
#include "util/utc_timestamp.hpp"

namespace nadoo::app {
namespace {

namespace net = boost::asio;
using endpoints::EndpointFamily;

/// How often the storage is checked while nothing else calls it: once a
/// second costs nothing and keeps the store's reconnection backoff (capped
/// at 2 s) the only delay before a database that came back serves again.
constexpr std::chrono::milliseconds storage_probe_interval{1000};

auth::JwtVerifier make_verifier(const config::ServerConfig& config) {
  auto settings = jwt_settings(config);
  if (settings.secret.empty() && settings.public_key_pem.empty()) {
    spdlog::warn("no JWT_SECRET or public key configured: every token will be refused");
    // A secret nobody knows makes every token fail, while guests can still chat.
    if (auth::is_hmac(settings.algorithm)) settings.secret = "\x01unset\x02";
  }
  return auth::JwtVerifier(std::move(settings));
}

/// The storage lanes' stores: one on SQLite, --store-pool-size on
/// PostgreSQL (each its own connection). The seed goes in through the first.
/// The storage lanes, and the reader beside them (StorageExecutor).
struct OpenedStores {
  std::vector<std::unique_ptr<store::Store>> lanes;
  std::unique_ptr<store::Store> reader;
};

OpenedStores open_stores(const config::ServerConfig& config) {
  OpenedStores stores;
  if (store::postgres::is_postgres_uri(config.store)) {
    spdlog::info("storage: PostgreSQL at {}, {} connections and a reader",
                 util::with_masked_password(config.store), config.store_pool_size);
    const store::postgres::ConnectionSettings settings{
        config.store, std::chrono::milliseconds(config.store_statement_timeout_ms)};
    for (unsigned lane = 0; lane < config.store_pool_size; ++lane) {
      stores.lanes.push_back(store::open_postgres_store(settings));
    }
    stores.reader = store::open_postgres_store(settings);
  } else {
    const auto database_file = std::filesystem::path(config.data_dir) / "nadoo.db";
    stores.lanes.push_back(store::open_sqlite_store(database_file, config.sqlite_checkpoint_pages));
    stores.reader = store::open_sqlite_reader(database_file);
  }
  if (config.seed_file.empty()) return stores;
  try {
    load_seed_file(config.seed_file, *stores.lanes.front());
  } catch (const store::StoreUnavailable& error) {
    // The node serves without it: the database may be back in a moment, and
    // the seed is demo data, not something a node needs to run.
    spdlog::error("seed file {} not loaded: {}", config.seed_file, error.what());
  }
  return stores;
}

std::shared_ptr<transport::Listener> listen(net::io_context& io_context,
                                            transport::TransportContext& context) {
  const auto& config = context.config;
  try {
    return std::make_shared<transport::Listener>(
        io_context, transport::listen_endpoint(config.host, config.port), context);
  } catch (const boost::system::system_error& error) {
    throw std::runtime_error(transport::bind_failure_message(error.code(), config.host, config.port));
  }
}

plugin_debug::IngestLimits plugin_debug_ingest_limits(const config::ServerConfig& config) {
  return {config.plugin_debug_max_event_bytes, config.plugin_debug_max_bundle_records};
}

}  // namespace

int run_server(const config::ServerConfig& config) {
  const unsigned thread_count =
      config.io_threads ? config.io_threads : std::max(1u, std::thread::hardware_concurrency());
  net::io_context io_context(static_cast<int>(thread_count));

  const auto verifier = make_verifier(config);
  const auth::ApiKeys api_keys(config.api_keys);
  if (api_keys.empty())
    spdlog::warn("no API keys configured (NADOO_API_KEYS): server-to-server REST is closed");
  auto stores = open_stores(config);
  store::StorageExecutor storage(std::move(stores.lanes), std::move(stores.reader));
  const auto builtin = ai::builtin::make_builtin_provider(
      io_context, std::chrono::milliseconds(config.builtin_token_interval_ms));
  const auto openai = ai::make_openai_provider(io_context, openai_settings(config));

  hub::ServerMetrics metrics;
  const auto node_id = config.node_id.empty() ? broker::default_node_id(config.port) : config.node_id;
  const auto broker = broker::make_broker(io_context, config.broker, node_id, metrics);
  hub::Hub hub(*broker);
  hub::ClusterStats cluster_stats(io_context.get_executor(), hub, *broker, node_id,
                                  std::chrono::seconds(config.node_ttl_seconds));
  conversation::ChatService chat_service(conversation::ChatDependencies{
      io_context, hub, cluster_stats, storage, {builtin.get(), openai.get()}, chat_settings(config)});

  const endpoints::AdmissionPolicy admission(verifier);
  endpoints::Presence chat_presence(endpoints::Presence::Listing::none);
  endpoints::PresenceExchange chat_presence_exchange("chat-presence", io_context.get_executor(), hub, *broker,
                                                     chat_presence,
                                                     endpoints::ChatEndpoint::announce_presence(hub), node_id,
                                                     std::chrono::seconds(config.node_ttl_seconds));
  endpoints::ChatEndpoint chat(hub, metrics, admission, chat_service, chat_presence, chat_presence_exchange,
                               config.chat_require_token, config.chat_max_content_bytes);
  const auto notification_config = notification_settings(config);
  notifications::NotificationService notification_service(io_context, storage, hub);
  const auto notification_retention = notification_config.retention;
  store::PeriodicStorageTask notification_purge(
      io_context.get_executor(), storage, notification_retention.purge_interval,
      [notification_retention](store::Store& store) {
        const auto purged = store.notifications().purge_notifications(notification_retention.read_max_age,
                                                                      notification_retention.unread_max_age);
        if (purged > 0) spdlog::info("purged {} expired notifications", purged);
      });
  // The gate stands in for the connection's outbound queue while the backlog is read.
  endpoints::NotificationsEndpoint notifications(hub, metrics, admission, notification_service,
                                                 notification_config.backlog,
                                                 config.outbound_queue_limit_bytes);
  endpoints::Presence workspace_presence;
  endpoints::PresenceExchange presence_exchange("presence", io_context.get_executor(), hub, *broker,
                                                workspace_presence,
                                                endpoints::WorkspaceEndpoint::announce_presence(hub), node_id,
                                                std::chrono::seconds(config.node_ttl_seconds));
  endpoints::WorkspaceEvents workspace_events(hub, workspace_presence);
  // A shared database has other writers, whose membership changes this
  // node's cache would not see until the broker carries them (issue 12): on
  // PostgreSQL every admission reads storage, one indexed lookup.
  const std::size_t membership_cache_entries =
      store::postgres::is_postgres_uri(config.store) ? 0 : config.membership_cache_entries;
  endpoints::WorkspaceMemberships workspace_memberships(storage, io_context.get_executor(),
                                                        membership_cache_entries);
  endpoints::WorkspaceEndpoint workspaces(
      {hub, metrics, admission, workspace_memberships, workspace_presence, presence_exchange},
      {config.workspace_rate_limit_events_per_second,
       static_cast<double>(config.workspace_rate_limit_burst_events),
       config.workspace_rate_limit_refusals_before_close});
  plugin_debug::DebugEventIngest debug_ingest(io_context.get_executor(), storage, hub,
                                              {config.plugin_debug_max_events_per_execution});
  // The history fits in half the console's outbound queue (config::reconcile_limits).
  // A console catching up may hold as much live traffic as the queue.
  endpoints::PluginDebugEndpoint plugin_debug(
      io_context.get_executor(), hub, metrics, debug_ingest,
      {config.plugin_debug_history_limit_bytes, config.outbound_queue_limit_bytes});
  store::PeriodicStorageTask execution_purge(
      io_context.get_executor(), storage,
      std::chrono::seconds(config.plugin_execution_purge_interval_seconds),
      [retention = std::chrono::seconds(config.plugin_execution_retention_seconds)](store::Store& store) {
        const auto cutoff = util::format_utc_timestamp(std::chrono::system_clock::now() - retention);
        const auto purged = store.plugin_executions().purge_started_before(cutoff);
        if (purged > 0) spdlog::info("purged {} expired plugin executions", purged);
      });
  // A database lost while no request comes is reconnected all the same (the
  // store retries with its backoff), and /readyz turns 200 again by itself.
  store::PeriodicStorageTask storage_probe(io_context.get_executor(), storage, storage_probe_interval,
                                           [](store::Store& store) { store.is_healthy(); });
  endpoints::EchoEndpoint echo(hub);

  const api::RequestAuthenticator authenticator(api_keys, verifier);
  const api::ApiContext api_context{io_context.get_executor(), storage, authenticator};
  api::RestRouter router;
  api::add_operations_routes(router, api_context, {cluster_stats, metrics, *broker});
  api::add_application_routes(router, api_context);
  api::add_knowledge_routes(router, api_context, workspace_events);
  api::add_chat_history_routes(router, api_context);
  api::add_workspace_routes(router, api_context, workspace_events, workspace_memberships,
                            config.workspace_event_max_bytes);
  api::add_plugin_execution_routes(router, api_context, debug_ingest, plugin_debug_ingest_limits(config));
  api::add_notification_routes(router, api_context, notification_service, notification_config.limits);
  const auto web_dir = api::web_directory(config.web_dir);
  const auto web_files = api::load_static_files(web_dir);
  if (web_files.empty()) spdlog::warn("no web console: {} holds no files (--web-dir)", web_dir.string());
  api::add_static_file_routes(router, web_files);

  // Half the idle timeout: a silent peer is pinged after one interval and
  // dropped after the next (see KeepAliveSweep).
  transport::KeepAliveSweep keep_alive(io_context.get_executor(),
                                       std::chrono::milliseconds(config.idle_timeout_seconds * 1000 / 2));
  transport::TransportContext context{config, metrics, router, keep_alive};
  context.endpoints[static_cast<std::size_t>(EndpointFamily::chat)] = &chat;
  context.endpoints[static_cast<std::size_t>(EndpointFamily::notifications)] = &notifications;
  context.endpoints[static_cast<std::size_t>(EndpointFamily::workspaces)] = &workspaces;
  context.endpoints[static_cast<std::size_t>(EndpointFamily::plugin_debug)] = &plugin_debug;
  context.endpoints[static_cast<std::size_t>(EndpointFamily::echo)] = &echo;

  const auto listener = listen(io_context, context);
  // Before anything is printed or served: a supervisor (or a test) that
  // sends SIGTERM the moment it reads "listening" must get a clean shutdown,
  // not the default action's kill.
  net::signal_set signals(io_context, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code error, int signal) {
    if (error) return;
    spdlog::info("signal {}: closing {} connections with 1001", signal, metrics.connections_open.load());
    context.stopping = true;
    listener->stop();
    keep_alive.stop();
    chat_service.stop_all();  // partial answers are stored as cancelled
    notification_purge.stop();
    execution_purge.stop();
    storage_probe.stop();
    cluster_stats.stop();
    presence_exchange.stop();
    chat_presence_exchange.stop();
    for (const auto& connection : hub.connections())
      connection->close(hub::CloseCode::going_away, "Server shutdown");
    std::make_shared<GracefulShutdown>(io_context, context,
                                       std::chrono::seconds(config.shutdown_grace_seconds))
        ->wait_for_connections();
  });

  broker->start();
  if (config.broker != "memory") {
    cluster_stats.start();
    presence_exchange.start();
    chat_presence_exchange.start();
  }
  listener->start();
  keep_alive.start();
  notification_purge.start();
  execution_purge.start();
  storage_probe.start();
  const auto bound = listener->local_endpoint();
  // Printed whatever the log level: with --port 0 it is how a caller learns the port.
  fmt::print("nadoo-realtime listening on http://{}:{} with {} I/O threads\n", bound.address().to_string(),
             bound.port(), thread_count);
  std::fflush(stdout);

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < thread_count; ++i) {
    threads.emplace_back([&] {
      util::name_this_thread("nadoo-io");
      io_context.run();
    });
  }
  io_context.run();
  for (auto& thread : threads) thread.join();
  spdlog::info("stopped; finishing storage writes");
  return 0;
}

}  // namespace nadoo::app
