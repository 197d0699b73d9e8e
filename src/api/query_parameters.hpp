#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "api/http_message.hpp"

namespace nadoo::api {

/// The query parameter `name` as an integer in [min, max]; nullopt when
/// absent. Throws util::FieldError naming it otherwise.
std::optional<std::int64_t> integer_query_parameter(const HttpRequest& request, std::string_view name,
                                                    std::int64_t min, std::int64_t max);

}  // namespace nadoo::api
