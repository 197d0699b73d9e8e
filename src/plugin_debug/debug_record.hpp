#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "util/utc_timestamp.hpp"

namespace nadoo::plugin_debug {

/// The event types a plugin may send: log trace step variable api_call
/// execution_complete execution_error.
bool is_debug_event_type(std::string_view type);

/// One of the SDK's records, checked and made safe to store and show.
struct DebugRecord {
  std::string data_json;  // serialized, as stored and sent
  /// The record's own time (`timestamp`, or a step's `started_at`), if any.
  std::optional<util::UtcTime> time;
};

/// Checks `data` against the SDK's shape for `type` (required fields present,
/// every known field of its type, timestamps valid), normalises its
/// timestamps to UTC `Z`, redacts secrets at any depth, and bounds its
/// serialized size to `max_bytes`. Fields the SDK may add later are kept.
/// Throws util::FieldError naming the field as `<path><name>` (`data.level`,
/// `logs[2].timestamp`).
DebugRecord normalise_debug_record(std::string_view type, boost::json::object data, const std::string& path,
                                   std::size_t max_bytes);

}  // namespace nadoo::plugin_debug
