#include "protocol/server_message.hpp"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <ctime>

namespace nadoo::protocol {

std::string utc_timestamp_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, milliseconds);
}

hub::SharedText server_message(std::string_view type, boost::json::object fields) {
  fields["type"] = type;
  fields["timestamp"] = utc_timestamp_now();
  return hub::make_shared_text(boost::json::serialize(fields));
}

hub::SharedText error_message(std::string_view code, std::string_view message) {
  return server_message("error", {{"code", code},
                                  {"message", message},
                                  {"data", boost::json::object{{"code", code}, {"message", message}}}});
}

}  // namespace nadoo::protocol
