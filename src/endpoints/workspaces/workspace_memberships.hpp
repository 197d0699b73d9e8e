#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "endpoints/workspaces/membership_cache.hpp"
#include "store/storage_executor.hpp"

namespace nadoo::endpoints {

/// Workspace membership as the server reads and changes it while serving:
/// every membership read or write goes through here, so that the cache of
/// answers stays what storage holds (the seed file is loaded before, when the
/// cache is empty). An admission whose answer is cached takes no storage
/// round trip; the others fill the cache. This assumes this process is the
/// only writer of membership (SQLite): with a store shared by several nodes,
/// the other nodes' changes would have to reach the cache.
///
/// Every `done` runs on `executor`, except a cached answer to `is_member`,
/// which is given at once, on the caller's thread.
class WorkspaceMemberships {
 public:
  WorkspaceMemberships(store::StorageExecutor& storage, boost::asio::any_io_executor executor,
                       std::size_t cache_capacity)
      : storage_(storage),
        executor_(std::move(executor)),
        cache_(std::make_shared<MembershipCache>(cache_capacity)) {}

  /// `done(is_member)`, nullopt when storage failed.
  void is_member(const std::string& workspace_id, const std::string& user_id,
                 std::function<void(std::optional<bool>)> done);
  /// Adds the member or replaces their role: `done(added)`, true when the user was not a member.
  void put(const store::WorkspaceMember& member, std::function<void(store::StoreResult<bool>)> done);
  /// `done(removed)`, false when the user was not a member.
  void remove(const std::string& workspace_id, const std::string& user_id,
              std::function<void(store::StoreResult<bool>)> done);

 private:
  store::StorageExecutor& storage_;
  const boost::asio::any_io_executor executor_;
  /// Shared with the storage tasks, which may run after this object is gone
  /// (the storage executor finishes its queue when it stops).
  std::shared_ptr<MembershipCache> cache_;
};

}  // namespace nadoo::endpoints
