#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "store/sqlite/sqlite_connection.hpp"

namespace nadoo::store::sqlite {

/// Binds a listing's LIMIT parameter to `limit` + 1, the extra row telling
/// whether more follow. `limit` is capped so that the + 1 cannot overflow
/// SQLite's integer. Returns the capped limit, for read_page_rows.
inline std::int64_t bind_page_limit(Query& rows, int parameter, std::size_t limit) {
  const auto capped =
      static_cast<std::int64_t>(std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max() - 1));
  rows.bind_integer(parameter, capped + 1);
  return capped;
}

/// Reads one page of a listing whose query was bound by bind_page_limit:
/// up to `limit` rows into `items` (through `read_row`); the extra row, when
/// there is one, only tells that more follow. Returns whether more follow.
template <typename Item, typename ReadRow>
bool read_page_rows(Query& rows, std::int64_t limit, std::vector<Item>& items, ReadRow read_row) {
  while (rows.next_row()) {
    if (static_cast<std::int64_t>(items.size()) == limit) return true;
    items.push_back(read_row(rows));
  }
  return false;
}

}  // namespace nadoo::store::sqlite
