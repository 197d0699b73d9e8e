#include "endpoints/workspaces/workspace_event_types.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "util/json_fields.hpp"

namespace nadoo::endpoints {
namespace {

/// An action or a role is a word or two, not content.
constexpr std::size_t max_label_bytes = 64;
/// Event types are names, like the spec's `application_changed`.
constexpr std::size_t max_type_length = 64;

struct ClientEventFields {
  std::string_view type;
  std::string_view required_id;
  std::string_view optional_id;  // empty: none
  std::string_view optional_label;
};

constexpr std::array<ClientEventFields, 3> client_events{{
    {"document_updated", "document_id", "knowledge_base_id", "action"},
    {"application_changed", "application_id", "", "action"},
    {"member_added", "member_id", "", "role"},
}};

constexpr std::array<std::string_view, 2> server_only_types{"user_joined", "user_left"};
constexpr std::array<std::string_view, 4> protocol_types{"connected", "error", "ping", "pong"};

bool contains(const auto& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

const ClientEventFields* find_client_event(std::string_view type) {
  const auto found = std::find_if(client_events.begin(), client_events.end(),
                                  [type](const ClientEventFields& event) { return event.type == type; });
  return found == client_events.end() ? nullptr : &*found;
}

bool is_snake_case(std::string_view name) {
  if (name.empty() || name.size() > max_type_length || !(name.front() >= 'a' && name.front() <= 'z')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

}  // namespace

bool is_server_only_event_type(std::string_view type) { return contains(server_only_types, type); }

bool is_client_event_type(std::string_view type) { return find_client_event(type) != nullptr; }

void validate_client_event(std::string_view type, const boost::json::object& event) {
  const auto* rule = find_client_event(type);
  if (!rule) throw util::FieldError(fmt::format("`{}` is not a client event", type));
  const util::JsonFields fields(event);
  fields.required_id(rule->required_id);
  if (!rule->optional_id.empty()) fields.optional_id(rule->optional_id);
  const auto label = fields.optional_string(rule->optional_label, max_label_bytes);
  if (label && label->empty())
    throw util::FieldError(fmt::format("`{}` must not be empty", rule->optional_label));
}

void validate_server_event_type(std::string_view type) {
  if (!is_snake_case(type)) {
    throw util::FieldError(
        fmt::format("`type` must be 1-{} characters of snake_case (a-z, 0-9, _)", max_type_length));
  }
  if (contains(server_only_types, type) || contains(protocol_types, type)) {
    throw util::FieldError(fmt::format("`type` {} is reserved for the server", type));
  }
}

}  // namespace nadoo::endpoints
