#include "endpoints/plugin_debug/plugin_debug_endpoint.hpp"

#include "endpoints/plugin_debug/console_feed.hpp"
#include "protocol/plugin_debug_messages.hpp"
#include "protocol/server_message.hpp"

namespace nadoo::endpoints {
namespace {

using protocol::error_message;

constexpr std::string_view unknown_execution_reason = "Unknown execution";
/// Events per storage read when a console fills a hole or a gap.
constexpr std::size_t fill_page_events = 200;

hub::SharedText unknown_execution_message(const std::string& execution_id) {
  return error_message("not_found", "No plugin execution " + execution_id);
}

/// What a console gets on open, read in one storage call.
struct ConsoleSnapshot {
  store::PluginExecution execution;
  store::RecentDebugEvents history;
};

}  // namespace

void PluginDebugEndpoint::admit(const AdmissionRequest& request, AdmissionDone done) {
  ingest_.read_after_published(
      request.resource_id,
      [id = request.resource_id](store::Store& store) {
        return store.plugin_executions().find_execution(id).has_value();
      },
      [id = request.resource_id, done = std::move(done)](store::StoreResult<bool> found) {
        if (!found.ok()) return done(Admission::storage_unavailable(storage_failed_message()));
        if (*found.value) return done(Admission::admit({}));
        done(Admission::refused(unknown_execution_reason, unknown_execution_message(id)));
      });
}

void PluginDebugEndpoint::on_open(const hub::ConnectionPtr& connection, FirstMessageSent first_message_sent) {
  const auto& execution_id = connection->resource_id();
  hub_.add(connection, {});
  // Joined through the feed before the history is read: an event stored
  // after the read is published after this join and held until the history
  // has gone out. One stored before the read is in the history; its publish
  // came before the read's result (read_after_published), so if it reached
  // the feed it is held, and dropped there by its sequence.
  auto feed = std::make_shared<ConsoleFeed>(
      connection, executor_,
      [this, execution_id](std::int64_t after_sequence, std::function<void(ConsoleFeed::Page)> done) {
        ingest_.read_after_published(
            execution_id,
            [execution_id, after_sequence](store::Store& store) {
              return store.plugin_executions().events_after(execution_id, after_sequence, fill_page_events);
            },
            std::move(done));
      },
      limits_.catch_up_limit_bytes);
  hub_.join(feed, hub::execution_room(execution_id),
            [this, connection, feed, first_message_sent = std::move(first_message_sent)]() mutable {
              read_history(connection, feed, std::move(first_message_sent));
            });
}

void PluginDebugEndpoint::read_history(const hub::ConnectionPtr& connection,
                                       const std::shared_ptr<ConsoleFeed>& feed,
                                       FirstMessageSent first_message_sent) {
  const auto& execution_id = connection->resource_id();
  using Found = std::optional<ConsoleSnapshot>;
  ingest_.read_after_published(
      execution_id,
      [execution_id, history_limit_bytes = limits_.history_limit_bytes](store::Store& store) -> Found {
        auto& executions = store.plugin_executions();
        auto execution = executions.find_execution(execution_id);
        if (!execution) return std::nullopt;
        return ConsoleSnapshot{std::move(*execution),
                               executions.recent_events(execution_id, history_limit_bytes)};
      },
      [connection, feed,
       first_message_sent = std::move(first_message_sent)](store::StoreResult<Found> found) {
        if (!found.ok()) return close_for_storage_failure(connection);
        if (!*found.value) {  // purged between admission and now
          return connection->close_after(unknown_execution_message(connection->resource_id()),
                                         hub::CloseCode::policy_violation, unknown_execution_reason);
        }
        const auto& snapshot = **found.value;
        connection->send(protocol::execution_info_message(snapshot.execution));
        const auto& history = snapshot.history;
        if (!history.events.empty() || history.omitted_events > 0)
          connection->send(protocol::debug_data_message(history));
        feed->open(history.last_sequence);
        // Only now is the client heard: its `ping` is answered after
        // `execution_info` and the history, never before.
        first_message_sent();
      });
}

void PluginDebugEndpoint::on_message(const hub::ConnectionPtr& connection, std::string_view message,
                                     hub::MessageKind kind) {
  static const hub::SharedText plain_pong = hub::make_shared_text("pong");
  if (kind == hub::MessageKind::text && message == "ping") return connection->send(plain_pong);
  JsonEndpoint::on_message(connection, message, kind);
}

void PluginDebugEndpoint::on_close(const hub::ConnectionPtr& connection) { hub_.remove(connection->id()); }

}  // namespace nadoo::endpoints
