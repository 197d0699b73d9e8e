// protocol/ owns the shape of what the server sends: JSON messages with `type` and `timestamp`.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "hub/connection.hpp"

namespace nadoo::protocol {

/// Current UTC time as the contract writes it: `2025-01-15T10:30:00.123Z`.
std::string utc_timestamp_now();

/// Serializes a server message once, adding `type` and `timestamp`, so that
/// one buffer can be queued to every recipient.
hub::SharedText server_message(std::string_view type, boost::json::object fields = {});

/// The contract's error message: `code` and `message` at the top level (the
/// WebSocket page's clients read them there) and again under `data` (the
/// platform's error page nests them).
hub::SharedText error_message(std::string_view code, std::string_view message);

}  // namespace nadoo::protocol
