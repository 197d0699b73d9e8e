#pragma once

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "store/store.hpp"
#include "store/store_result.hpp"

namespace nadoo::store {

/// Runs storage calls on threads of their own, so that no I/O thread ever
/// waits for the disk, and hands each result back on the caller's executor.
///
/// Lanes: a bounded pool of `lanes` threads, each with a Store (a
/// connection) of its own. A call goes to the lane of its ordering key (a
/// user, a chat session, a plugin execution: run_ordered_by) or, without
/// one, to the first lane. Order: the calls of one lane run one at a time,
/// in the order they were made, and their results are handed back in that
/// order; calls of different lanes run at once and have no order between
/// them. So calls that must see each other in order share a key. The
/// embedded store has one lane: SQLite has one writer.
///
/// Reader: reads that need no order (run_read_only) can go to a connection
/// of their own beside the lanes, so that a long one (a knowledge search)
/// never waits in a lane's queue, nor holds the calls queued behind it. Its
/// thread runs in the background (util/thread_priority.hpp): when they
/// compete for a core, the lanes, whose writes clients wait for, go first.
/// Its calls are never grouped (a read has nothing to commit), and one that
/// finds the connection lost runs once more on a new one (it wrote nothing),
/// so the reader, which no probe watches, recovers with its first call.
///
/// Group commit: the calls that queued up while the previous ones ran (at
/// most `max_group_calls`) run as one transaction, one commit for all, and
/// each result is handed back only after that commit. Should any call of the
/// group fail, or roll back a transaction of its own, the group is rolled
/// back and its calls run again one by one, each its own transaction as
/// they would have alone: grouping never changes what a call does or sees.
/// So `work` must be safe to run twice; it is called as const. A failed
/// COMMIT is the exception: it may have been applied before the connection
/// went, so every call of the group fails (as a lone call's failed commit
/// does) rather than run again and be stored twice.
class StorageExecutor {
 public:
  /// Why 64: a commit's cost is mostly fixed (one flush), so the group's
  /// size is bounded only so that the first call of a full group waits for
  /// at most 63 others; a larger bound adds latency and no throughput.
  static constexpr std::size_t max_group_calls = 64;

  /// One lane on `store`.
  explicit StorageExecutor(std::unique_ptr<Store> store);
  /// Lanes on `stores`, one each (at least one), and a reader on `reader`
  /// (none: reads run on the first lane).
  explicit StorageExecutor(std::vector<std::unique_ptr<Store>> stores,
                           std::unique_ptr<Store> reader = nullptr);
  /// Finishes every call already made (writes included), then stops.
  ~StorageExecutor();
  StorageExecutor(const StorageExecutor&) = delete;
  StorageExecutor& operator=(const StorageExecutor&) = delete;

  /// Runs `work(Store&)` on the first lane, then `done(StoreResult<T>)` on
  /// `executor`. `work` returns T (use bool for calls without a value).
  template <typename Executor, typename Work, typename Done>
  void run(const Executor& executor, Work work, Done done) {
    run_on_lane(0, executor, std::move(work), std::move(done));
  }

  /// The same on the lane of `ordering_key`: after every call made earlier
  /// with the same key, at once with calls of other lanes.
  template <typename Executor, typename Work, typename Done>
  void run_ordered_by(std::string_view ordering_key, const Executor& executor, Work work, Done done) {
    run_on_lane(lane_of(ordering_key), executor, std::move(work), std::move(done));
  }

  /// A read on the reader, which `work` must not write through: it sees
  /// every call committed before it starts, and has no order with any call.
  template <typename Executor, typename Work, typename Done>
  void run_read_only(const Executor& executor, Work work, Done done) {
    submit(reader_ ? *reader_ : *lanes_.front(), executor, std::move(work), std::move(done));
  }

  /// For a caller that batches per lane: the lane of `ordering_key`, and a run on lane `lane`.
  std::size_t lane_of(std::string_view ordering_key) const;
  template <typename Executor, typename Work, typename Done>
  void run_on_lane(std::size_t lane, const Executor& executor, Work work, Done done) {
    submit(*lanes_.at(lane), executor, std::move(work), std::move(done));
  }

  std::size_t lanes() const { return lanes_.size(); }

 private:
  /// A call waiting for its turn, its result kept until it is handed back.
  class PendingCall {
   public:
    virtual ~PendingCall() = default;
    /// Runs the work; throws what it throws (a group then runs alone).
    virtual void run_in_group(Store& store) = 0;
    /// Runs the work as its own transaction; a failure becomes the result.
    virtual void run_alone(Store& store) = 0;
    /// Replaces the result by a failure (the group's commit failed).
    virtual void fail(bool unavailable) = 0;
    /// Posts `done(result)` to the caller's executor.
    virtual void hand_back() = 0;
    /// Whether it failed because the storage was unreachable.
    virtual bool failed_unavailable() const = 0;
  };

  template <typename Executor, typename Work, typename Done>
  class Call final : public PendingCall {
   public:
    using T = std::invoke_result_t<const Work&, Store&>;
    Call(const Executor& executor, Work work, Done done)
        : executor_(executor), work_(std::move(work)), done_(std::move(done)) {}

    void run_in_group(Store& store) override { result_.value.emplace(std::as_const(work_)(store)); }

    void run_alone(Store& store) override {
      result_ = {};
      try {
        result_.value.emplace(std::as_const(work_)(store));
      } catch (const StoreUnavailable& error) {
        // The store logs the outage once; a line per failed call would flood the log.
        spdlog::debug("storage call failed: {}", error.what());
        result_.unavailable = true;
      } catch (const std::exception& error) {
        spdlog::error("storage call failed: {}", error.what());
      }
    }

    void fail(bool unavailable) override {
      result_ = {};
      result_.unavailable = unavailable;
    }

    bool failed_unavailable() const override { return result_.unavailable; }

    void hand_back() override {
      boost::asio::post(executor_, [done = std::move(done_), result = std::move(result_)]() mutable {
        done(std::move(result));
      });
    }

   private:
    Executor executor_;
    Work work_;
    Done done_;
    StoreResult<T> result_;
  };

  using Calls = std::vector<std::unique_ptr<PendingCall>>;
  /// committed: every result stands. not_committed: nothing was committed,
  /// the calls must run alone. failed: the commit failed, perhaps after the
  /// database applied it, so every call failed rather than run twice.
  enum class GroupOutcome { committed, not_committed, failed };

  /// A thread, its Store and the calls queued for it.
  class Lane {
   public:
    /// lane: grouped writes and reads. reader: reads one by one, in the background.
    enum class Role { lane, reader };
    /// `thread_name`: what `top -H` shows for its thread.
    Lane(std::unique_ptr<Store> store, const char* thread_name, Role role);
    /// Finishes the calls already queued, then stops.
    ~Lane();
    void enqueue(std::unique_ptr<PendingCall> call);

   private:
    void run_calls();
    /// Up to max_group_calls queued calls, waiting for one; none once stopping and drained.
    Calls next_calls();
    /// Runs `calls` as one transaction.
    GroupOutcome run_as_group(const Calls& calls);

    std::unique_ptr<Store> store_;
    const Role role_;
    std::mutex mutex_;
    std::condition_variable queued_;
    std::deque<std::unique_ptr<PendingCall>> queue_;
    bool stopping_ = false;
    std::thread thread_;
  };

  template <typename Executor, typename Work, typename Done>
  static void submit(Lane& lane, const Executor& executor, Work work, Done done) {
    lane.enqueue(std::make_unique<Call<Executor, Work, Done>>(executor, std::move(work), std::move(done)));
  }

  std::vector<std::unique_ptr<Lane>> lanes_;
  std::unique_ptr<Lane> reader_;
};

}  // namespace nadoo::store
