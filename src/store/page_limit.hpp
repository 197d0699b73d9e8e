// Listings read one row more than a page holds: the extra row tells whether
// more follow. Shared by every store's listings.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace nadoo::store {

/// `limit` capped so that the + 1 row asked for cannot overflow a database's
/// 64-bit integer.
inline std::int64_t capped_page_limit(std::size_t limit) {
  return static_cast<std::int64_t>(
      std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max() - 1));
}

}  // namespace nadoo::store
