#pragma once

namespace nadoo::store {

/// Durable storage of the user's notifications and which of them were read. Calls block and run on the
/// storage executor, like every Store call; each call is one transaction.
class NotificationStore {
 public:
  virtual ~NotificationStore() = default;
};

}  // namespace nadoo::store
