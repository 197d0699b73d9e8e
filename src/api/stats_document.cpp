#include "api/stats_document.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace nadoo::api {
namespace {

boost::json::object counts_object(const std::map<std::string, std::size_t>& counts) {
  boost::json::object object;
  object.reserve(counts.size());
  for (const auto& [key, count] : counts) object.emplace(key, count);
  return object;
}

}  // namespace

std::string render_stats_document(const hub::StatsSnapshot& stats) {
  const boost::json::object document{
      {"total_connections", stats.total_connections},
      {"active_sessions", stats.sessions.size()},
      {"active_users", stats.users.size()},
      {"details", {{"sessions", counts_object(stats.sessions)}, {"users", counts_object(stats.users)}}}};
  return boost::json::serialize(document);
}

}  // namespace nadoo::api
