#pragma once

#include <optional>
#include <string>

namespace nadoo::store {

/// What a storage call gives back: a value, or the reason it failed.
template <typename T>
struct StoreResult {
  std::optional<T> value;
  std::string error;  // empty on success
  /// The failure was the storage being unreachable (StoreUnavailable): the
  /// call did nothing and may be retried, where another failure is a bug
  /// or a broken database.
  bool unavailable = false;
  bool ok() const { return value.has_value(); }
};

}  // namespace nadoo::store
