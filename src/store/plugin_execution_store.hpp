#pragma once

namespace nadoo::store {

/// Durable storage of plugin executions and their debug events. Calls block and run on the
/// storage executor, like every Store call; each call is one transaction.
class PluginExecutionStore {
 public:
  virtual ~PluginExecutionStore() = default;
};

}  // namespace nadoo::store
