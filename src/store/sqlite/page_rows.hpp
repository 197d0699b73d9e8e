#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "store/page_limit.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace nadoo::store::sqlite {

/// Binds a listing's LIMIT parameter to `limit` + 1 (store/page_limit.hpp).
/// Returns the capped limit, for read_page_rows.
inline std::int64_t bind_page_limit(Query& rows, int parameter, std::size_t limit) {
  const auto capped = capped_page_limit(limit);
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

/// Reads a history newest first, as `rows` returns it, keeping rows while the
/// sum of their `length_column` plus `overhead_per_row` each stays within
/// `max_total`. It stops at the first row that does not fit, so what it keeps
/// has no gap before what follows it. Returns the rows kept, oldest first.
template <typename ReadRow>
auto read_newest_within(Query& rows, int length_column, std::size_t overhead_per_row, std::size_t max_total,
                        ReadRow read_row) {
  std::vector<std::decay_t<std::invoke_result_t<ReadRow&, Query&>>> items;
  std::size_t total = 0;
  while (rows.next_row()) {
    total += static_cast<std::size_t>(rows.integer(length_column)) + overhead_per_row;
    if (total > max_total) break;
    items.push_back(read_row(rows));
  }
  std::reverse(items.begin(), items.end());
  return items;
}

}  // namespace nadoo::store::sqlite
