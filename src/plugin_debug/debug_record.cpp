#include "plugin_debug/debug_record.hpp"

#include <fmt/format.h>

#include <array>
#include <initializer_list>

#include "plugin_debug/sensitive_values.hpp"
#include "util/json_fields.hpp"
#include "util/json_serialize.hpp"

namespace nadoo::plugin_debug {
namespace {

/// Names: levels, events, step and variable names, API types. 256 bytes is
/// far beyond any the SDK makes, and keeps a console's columns sane.
constexpr std::size_t max_name_bytes = 256;
/// Durations and times in seconds: up to a year.
constexpr double max_seconds = 366.0 * 24 * 3600;

enum class FieldKind {
  name,           // required non-empty string, short
  text,           // required non-empty string, long
  optional_text,  // string or null
  timestamp,      // ISO-8601, optional or null; normalised to UTC
  seconds,        // number ≥ 0, optional or null
  object,         // JSON object, optional or null
  boolean,        // optional or null
};

struct FieldRule {
  std::string_view name;
  FieldKind kind;
};

struct RecordShape {
  std::string_view type;
  std::initializer_list<FieldRule> fields;
};

// The SDK's record shapes (CONTRACT.md, Plugin debug). Fields not listed
// (`data`, `value`, `result`) may hold any JSON.
const std::array<RecordShape, 7> record_shapes{{
    {"log", {{"level", FieldKind::name}, {"message", FieldKind::text}, {"timestamp", FieldKind::timestamp}}},
    {"trace",
     {{"event", FieldKind::name},
      {"timestamp", FieldKind::timestamp},
      {"metadata", FieldKind::object},
      {"step", FieldKind::optional_text},
      {"execution_time", FieldKind::seconds}}},
    {"step",
     {{"step_name", FieldKind::name},
      {"started_at", FieldKind::timestamp},
      {"ended_at", FieldKind::timestamp},
      {"duration", FieldKind::seconds}}},
    {"variable",
     {{"name", FieldKind::name},
      {"value_type", FieldKind::optional_text},
      {"timestamp", FieldKind::timestamp},
      {"metadata", FieldKind::object}}},
    {"api_call",
     {{"timestamp", FieldKind::timestamp},
      {"api_type", FieldKind::name},
      {"endpoint", FieldKind::text},
      {"parameters", FieldKind::object},
      {"duration", FieldKind::seconds},
      {"error", FieldKind::optional_text},
      {"success", FieldKind::boolean}}},
    {"execution_complete", {{"execution_time", FieldKind::seconds}}},
    {"execution_error", {{"error", FieldKind::text}, {"traceback", FieldKind::optional_text}}},
}};

const RecordShape* find_shape(std::string_view type) {
  for (const auto& shape : record_shapes) {
    if (shape.type == type) return &shape;
  }
  return nullptr;
}

/// Checks one field; normalises a timestamp in place and returns its time.
std::optional<util::UtcTime> check_field(boost::json::object& data, const FieldRule& rule,
                                         const std::string& path, std::size_t max_bytes) {
  const util::JsonFields fields(data, path);
  const auto* value = data.if_contains(rule.name);
  const bool present = value && !value->is_null();
  const auto label = path + std::string(rule.name);
  switch (rule.kind) {
    case FieldKind::name:
      fields.required_string(rule.name, max_name_bytes);
      break;
    case FieldKind::text:
      fields.required_string(rule.name, max_bytes);
      break;
    case FieldKind::optional_text:
      fields.optional_string(rule.name, max_bytes);
      break;
    case FieldKind::seconds:
      fields.optional_number(rule.name, 0, max_seconds);
      break;
    case FieldKind::object:
      if (present && !value->is_object())
        throw util::FieldError(fmt::format("`{}` must be an object", label));
      break;
    case FieldKind::boolean:
      if (present && !value->is_bool())
        throw util::FieldError(fmt::format("`{}` must be true or false", label));
      break;
    case FieldKind::timestamp: {
      const auto text = fields.optional_string(rule.name, max_name_bytes);
      if (!text) break;
      auto parsed = util::parse_utc_timestamp(*text);
      if (!parsed) {
        throw util::FieldError(
            fmt::format("`{}` must be an ISO-8601 timestamp (2025-01-15T10:30:00Z, with an offset, or "
                        "without a zone for UTC)",
                        label));
      }
      data[rule.name] = parsed->text;
      return parsed->time;
    }
  }
  return std::nullopt;
}

}  // namespace

bool is_debug_event_type(std::string_view type) { return find_shape(type) != nullptr; }

DebugRecord normalise_debug_record(std::string_view type, boost::json::object data, const std::string& path,
                                   std::size_t max_bytes) {
  const auto* shape = find_shape(type);
  if (!shape) throw util::FieldError(fmt::format("Unknown debug event type `{}`", type.substr(0, 64)));
  DebugRecord record;
  for (const auto& rule : shape->fields) {
    auto time = check_field(data, rule, path, max_bytes);
    if (time && !record.time) record.time = time;
  }
  // A watched variable named like a secret holds one under `value`.
  if (type == "variable" && is_sensitive_key(data.at("name").get_string())) {
    if (data.contains("value")) data["value"] = redacted_marker;
  }
  boost::json::value redacted(std::move(data));
  redact_sensitive_values(redacted);
  record.data_json = util::serialize_json(redacted);
  if (record.data_json.size() > max_bytes) {
    const auto label = path.empty() ? std::string("record") : path.substr(0, path.size() - 1);
    throw util::FieldError(
        fmt::format("`{}` is too large ({} bytes; at most {})", label, record.data_json.size(), max_bytes));
  }
  return record;
}

}  // namespace nadoo::plugin_debug
