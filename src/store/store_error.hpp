#pragma once

#include <stdexcept>

namespace nadoo::store {

/// A storage failure that is ours, not the client's (disk, corruption, bug).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The storage cannot be reached (a database server down or lost): the call
/// did nothing, and the same call may succeed once it is back.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

}  // namespace nadoo::store
