#pragma once

#include <cstdint>
#include <vector>

#include "store/sqlite/sqlite_connection.hpp"

namespace nadoo::store::sqlite {

/// Reads one page of a listing whose query was bound with LIMIT `limit` + 1:
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
