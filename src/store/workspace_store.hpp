#pragma once

namespace nadoo::store {

/// Durable storage of workspace membership. Calls block and run on the
/// storage executor, like every Store call; each call is one transaction.
class WorkspaceStore {
 public:
  virtual ~WorkspaceStore() = default;
};

}  // namespace nadoo::store
