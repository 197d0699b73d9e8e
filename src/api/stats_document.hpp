#pragma once

#include <string>

#include "hub/hub.hpp"

namespace nadoo::api {

/// The spec's stats document, exactly its shape: total_connections,
/// active_sessions, active_users, details.sessions, details.users.
std::string render_stats_document(const hub::StatsSnapshot& stats);

}  // namespace nadoo::api
