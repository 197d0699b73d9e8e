#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_message.hpp"

namespace nadoo::api {

// A page big enough for a whole ordinary chat or notification list, small
// enough to stay cheap to read and send.
inline constexpr int default_page_size = 50;
inline constexpr int max_page_size = 200;

// The query parameters of the listing calls; each throws util::FieldError (a
// 400 naming the parameter) for a bad value.

/// `name` as an integer in [min, max]; nullopt when absent.
std::optional<std::int64_t> integer_query_parameter(const HttpRequest& request, std::string_view name,
                                                    std::int64_t min, std::int64_t max);
/// `name` as an id (util/resource_id.hpp), when present.
std::optional<std::string> id_parameter(const HttpRequest& request, std::string_view name);
/// `name` as an id the server made with util::random_id(prefix) (`ntf_…`,
/// `msg_…`), when present: the cursor of a listing of such ids, so anything
/// else cannot be a position in it.
std::optional<std::string> server_id_parameter(const HttpRequest& request, std::string_view name,
                                               std::string_view prefix);
/// `limit`: 1 to max_page_size, default_page_size when absent.
int page_size_parameter(const HttpRequest& request);
/// `name` as exactly `true` or `false`, `absent` when not given.
bool boolean_parameter(const HttpRequest& request, std::string_view name, bool absent);

}  // namespace nadoo::api
