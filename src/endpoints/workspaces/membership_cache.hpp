#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nadoo::endpoints {

/// What storage last said about (workspace, user) memberships, so that an
/// admission usually needs no round trip to the storage thread. Answers are
/// kept whether yes or no; at most `capacity` of them, the oldest recorded
/// going first. A capacity of 0 keeps none: every lookup goes to storage.
///
/// Only the storage thread records (WorkspaceMemberships does it in the same
/// storage task as the read or write it learnt from), so the cache changes in
/// the order storage did and a hit is as good as reading storage right then.
/// Any thread may look up.
class MembershipCache {
 public:
  explicit MembershipCache(std::size_t capacity);

  /// The last recorded answer; nullopt when unknown.
  std::optional<bool> find(std::string_view workspace_id, std::string_view user_id) const;
  void record(std::string_view workspace_id, std::string_view user_id, bool is_member);
  /// Drops the answer, e.g. when a write failed and storage's state is unsure.
  void forget(std::string_view workspace_id, std::string_view user_id);

  std::size_t size() const;

 private:
  static std::string key(std::string_view workspace_id, std::string_view user_id);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bool> answers_;
  /// The keys of answers_ (whose nodes do not move) in the order they were
  /// first recorded: what to evict. Pointers, so each key is held once.
  std::deque<const std::string*> recorded_order_;
};

}  // namespace nadoo::endpoints
