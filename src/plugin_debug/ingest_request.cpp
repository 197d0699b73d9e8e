#include "plugin_debug/ingest_request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "plugin_debug/debug_record.hpp"
#include "util/json_fields.hpp"

namespace nadoo::plugin_debug {
namespace {

struct BundleSection {
  std::string_view key;
  std::string_view event_type;
};

// In the order ties are stored.
constexpr std::array<BundleSection, 5> bundle_sections{{{"logs", "log"},
                                                        {"trace", "trace"},
                                                        {"steps", "step"},
                                                        {"variables", "variable"},
                                                        {"api_calls", "api_call"}}};

/// An execution's total time: up to a year, in seconds.
constexpr double max_execution_seconds = 366.0 * 24 * 3600;

constexpr std::string_view event_types_text =
    "log, trace, step, variable, api_call, execution_complete, execution_error";

const boost::json::object& record_object(const boost::json::value& value, const std::string& label) {
  const auto* object = value.if_object();
  if (!object) throw util::FieldError(fmt::format("`{}` must be an object", label));
  return *object;
}

struct TimedRecord {
  DebugRecord record;
  std::string_view event_type;
};

/// The (label, record) pairs of one section: an array, or for `variables`
/// also the SDK's object keyed by variable name.
std::vector<std::pair<std::string, const boost::json::value*>> section_items(
    const boost::json::value& section, std::string_view key) {
  std::vector<std::pair<std::string, const boost::json::value*>> items;
  if (const auto* array = section.if_array()) {
    for (std::size_t index = 0; index < array->size(); ++index) {
      items.emplace_back(fmt::format("{}[{}]", key, index), &(*array)[index]);
    }
  } else if (const auto* object = section.if_object(); object && key == "variables") {
    for (const auto& member : *object) {
      items.emplace_back(fmt::format("{}.{}", key, std::string_view(member.key()).substr(0, 64)),
                         &member.value());
    }
  } else {
    throw util::FieldError(fmt::format("`{}` must be an array{}", key,
                                       key == "variables" ? " or an object of variables by name" : ""));
  }
  return items;
}

}  // namespace

IngestBatch read_single_event(const boost::json::object& body, const std::string& received_at,
                              const IngestLimits& limits) {
  const util::JsonFields fields(body);
  const auto type = fields.required_string("type", 64);
  if (!is_debug_event_type(type)) {
    throw util::FieldError(fmt::format("`type` must be one of {}", event_types_text));
  }
  const auto* data = body.if_contains("data");
  if (!data || !data->is_object()) throw util::FieldError("`data` is required and must be an object");
  auto record = normalise_debug_record(type, data->get_object(), "data.", limits.max_event_bytes);
  IngestBatch batch;
  batch.events.push_back(store::DebugEvent{type, std::move(record.data_json), received_at});
  return batch;
}

IngestBatch read_debug_bundle(const boost::json::object& body, const std::string& execution_id,
                              const std::string& received_at, const IngestLimits& limits) {
  const util::JsonFields fields(body);
  if (const auto named = fields.optional_id("execution_id"); named && *named != execution_id) {
    throw util::FieldError(fmt::format("`execution_id` is {}, but the path names {}", *named, execution_id));
  }
  IngestBatch batch;
  if (const auto seconds = fields.optional_number("total_execution_time", 0, max_execution_seconds)) {
    batch.total_execution_time_us = static_cast<std::int64_t>(std::llround(*seconds * 1e6));
  }

  std::vector<TimedRecord> records;
  for (const auto& section : bundle_sections) {
    const auto* value = body.if_contains(section.key);
    if (!value || value->is_null()) continue;
    for (const auto& [label, item] : section_items(*value, section.key)) {
      if (records.size() == limits.max_bundle_records) {
        throw util::FieldError(
            fmt::format("The bundle holds more than {} records", limits.max_bundle_records));
      }
      records.push_back(TimedRecord{normalise_debug_record(section.event_type, record_object(*item, label),
                                                           label + ".", limits.max_event_bytes),
                                    section.event_type});
    }
  }
  std::stable_sort(records.begin(), records.end(), [](const TimedRecord& left, const TimedRecord& right) {
    if (!left.record.time || !right.record.time) return left.record.time.has_value() && !right.record.time;
    return *left.record.time < *right.record.time;
  });
  batch.events.reserve(records.size());
  for (auto& timed : records) {
    batch.events.push_back(
        store::DebugEvent{std::string(timed.event_type), std::move(timed.record.data_json), received_at});
  }
  return batch;
}

}  // namespace nadoo::plugin_debug
