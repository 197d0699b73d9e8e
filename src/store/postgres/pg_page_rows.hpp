#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/page_limit.hpp"
#include "store/postgres/pg_connection.hpp"

namespace nadoo::store::postgres {

/// The LIMIT parameter of a listing: `limit` + 1 (store/page_limit.hpp).
inline std::string page_limit_parameter(std::size_t limit) {
  return std::to_string(capped_page_limit(limit) + 1);
}

/// Reads one page of a listing asked for with page_limit_parameter: up to
/// `limit` rows into `items` (through `read_row(rows, row)`). Returns whether
/// more follow.
template <typename Item, typename ReadRow>
bool read_page_rows(const Rows& rows, std::size_t limit, std::vector<Item>& items, ReadRow read_row) {
  const auto capped = capped_page_limit(limit);
  for (int row = 0; row < rows.size(); ++row) {
    if (static_cast<std::int64_t>(items.size()) == capped) return true;
    items.push_back(read_row(rows, row));
  }
  return false;
}

}  // namespace nadoo::store::postgres
