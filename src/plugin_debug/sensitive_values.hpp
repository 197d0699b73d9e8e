// plugin_debug/ owns the plugin debug console's domain: the SDK's debug
// records (validation, redaction, timestamps), the bundle, ingest and
// retention. The WebSocket side is endpoints/plugin_debug/.
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

namespace nadoo::plugin_debug {

/// What replaces a secret: the plugin SDK's own marker, so that a console
/// shows the same text whichever side redacted.
inline constexpr std::string_view redacted_marker = "***REDACTED***";

/// Whether a key names a secret: it holds api_key, password, token, secret or
/// authorization, ignoring case, `_` and `-` (so `apiKey` and `X-Api-Key`
/// count as well as `api_key`).
bool is_sensitive_key(std::string_view key);

/// Replaces, at any depth, the value of every object member whose key is
/// sensitive. A plugin redacts before sending; this redacts again.
void redact_sensitive_values(boost::json::value& value);

}  // namespace nadoo::plugin_debug
