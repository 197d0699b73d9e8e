#pragma once

#include <optional>

namespace nadoo::store {

/// What a storage call gives back: a value, or no value and which kind of
/// failure it was (the message is in the log, where the executor put it).
template <typename T>
struct StoreResult {
  std::optional<T> value;
  /// The failure was the storage being unreachable (StoreUnavailable): the
  /// call did nothing and may be retried, where another failure is a bug
  /// or a broken database.
  bool unavailable = false;
  bool ok() const { return value.has_value(); }
};

}  // namespace nadoo::store
