#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "endpoints/json_endpoint.hpp"
#include "hub/hub.hpp"
#include "plugin_debug/debug_event_ingest.hpp"

namespace nadoo::endpoints {

/// What a console connection may hold while it catches up.
struct PluginDebugConsoleLimits {
  /// The debug_data message: the newest stored events that fit.
  std::size_t history_limit_bytes = 0;
  /// Live events held back while the history is read; more → 1013.
  std::size_t catch_up_limit_bytes = 0;
};

class ConsoleFeed;

/// `/api/v1/ws/plugin/debug/{execution_id}` (and `/ws/plugin-debug/{id}`):
/// a console on one plugin execution; no token, scoped by the execution id,
/// which must exist (else `error` not_found, then 1008). On open:
/// `execution_info`, then `debug_data` with the stored history when there is
/// one, then the live events in sequence order, none lost or doubled, from
/// whichever node they were ingested on (ConsoleFeed).
/// Answers the plugin SDK's plain-text `ping` with a plain-text `pong`.
class PluginDebugEndpoint final : public JsonEndpoint {
 public:
  PluginDebugEndpoint(const boost::asio::any_io_executor& executor, hub::Hub& hub,
                      hub::ServerMetrics& metrics, plugin_debug::DebugEventIngest& ingest,
                      PluginDebugConsoleLimits limits)
      : JsonEndpoint(metrics), executor_(executor), hub_(hub), ingest_(ingest), limits_(limits) {}

  void admit(const AdmissionRequest& request, AdmissionDone done) override;
  void on_open(const hub::ConnectionPtr& connection, FirstMessageSent first_message_sent) override;
  void on_message(const hub::ConnectionPtr& connection, std::string_view message,
                  hub::MessageKind kind) override;
  void on_close(const hub::ConnectionPtr& connection) override;

 private:
  /// Sends the execution and its history, then opens the feed.
  void read_history(const hub::ConnectionPtr& connection, const std::shared_ptr<ConsoleFeed>& feed,
                    FirstMessageSent first_message_sent);

  const boost::asio::any_io_executor executor_;  // the consoles' timers
  hub::Hub& hub_;
  plugin_debug::DebugEventIngest& ingest_;  // storage reads in step with the live events
  const PluginDebugConsoleLimits limits_;
};

}  // namespace nadoo::endpoints
