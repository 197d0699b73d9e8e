#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/plugin_execution_store.hpp"

namespace nadoo::plugin_debug {

/// Bounds on what one ingest call may carry.
struct IngestLimits {
  std::size_t max_event_bytes = 0;     // one record, serialized
  std::size_t max_bundle_records = 0;  // records in one bundle
};

/// The events of one ingest call, checked, redacted and in storing order.
struct IngestBatch {
  std::vector<store::DebugEvent> events;
  std::optional<std::int64_t> total_execution_time_us;
};

/// `{type, data}`: one event. `received_at` becomes its timestamp.
/// Throws util::FieldError naming the field.
IngestBatch read_single_event(const boost::json::object& body, const std::string& received_at,
                              const IngestLimits& limits);

/// The SDK's debug bundle (`PluginContext.get_debug_info()`): `logs`, `trace`,
/// `steps`, `variables` (an object by name, or an array), `api_calls`,
/// `total_execution_time`. Events are ordered by the records' own time (a
/// step's `started_at`), ties and records without a time keeping the order
/// logs, trace, steps, variables, api_calls; records without a time come
/// last. An `execution_id` in the bundle must be `execution_id`. Throws
/// util::FieldError naming the field (`logs[2].timestamp`).
IngestBatch read_debug_bundle(const boost::json::object& body, const std::string& execution_id,
                              const std::string& received_at, const IngestLimits& limits);

}  // namespace nadoo::plugin_debug
