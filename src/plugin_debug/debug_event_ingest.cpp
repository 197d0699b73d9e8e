#include "plugin_debug/debug_event_ingest.hpp"

#include "protocol/plugin_debug_messages.hpp"
#include "protocol/server_message.hpp"

namespace nadoo::plugin_debug {

void DebugEventIngest::ingest(std::string execution_id, IngestBatch batch, Done done) {
  storage_.run_ordered_by(
      execution_id, strand_,
      [execution_id, batch = std::move(batch), limits = limits_](store::Store& store) {
        return store.plugin_executions().append_events(
            execution_id, batch.events, batch.total_execution_time_us, protocol::utc_timestamp_now(), limits);
      },
      [this, execution_id, done = std::move(done)](Result result) {
        if (result.ok() && *result.value) {
          const auto room = hub::execution_room(execution_id);
          for (const auto& event : (*result.value)->stored) {
            hub_.publish(room, protocol::live_debug_event_message(event));
          }
        }
        done(std::move(result));
      });
}

}  // namespace nadoo::plugin_debug
