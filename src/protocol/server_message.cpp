#include "protocol/server_message.hpp"

#include <chrono>

#include "util/json_serialize.hpp"
#include "util/utc_timestamp.hpp"

namespace nadoo::protocol {

std::string utc_timestamp_now() { return util::format_utc_timestamp(std::chrono::system_clock::now()); }

hub::SharedText server_message(std::string_view type, boost::json::object fields) {
  fields["type"] = type;
  fields["timestamp"] = utc_timestamp_now();
  return hub::make_shared_text(util::serialize_json(fields));
}

hub::SharedText error_message(std::string_view code, std::string_view message) {
  return server_message("error", {{"code", code},
                                  {"message", message},
                                  {"data", boost::json::object{{"code", code}, {"message", message}}}});
}

}  // namespace nadoo::protocol
