#pragma once

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <thread>

#include "store/store.hpp"
#include "store/store_result.hpp"

namespace nadoo::store {

/// Runs storage calls on a thread of their own, so that no I/O thread ever
/// waits for the disk, and hands each result back on the caller's executor.
/// Calls run one at a time, in the order they were made.
class StorageExecutor {
 public:
  explicit StorageExecutor(std::unique_ptr<Store> store);
  /// Finishes every call already made (writes included), then stops.
  ~StorageExecutor();
  StorageExecutor(const StorageExecutor&) = delete;
  StorageExecutor& operator=(const StorageExecutor&) = delete;

  /// Runs `work(Store&)` on the storage thread, then `done(StoreResult<T>)`
  /// on `executor`. `work` returns T (use bool for calls without a value).
  template <typename Executor, typename Work, typename Done>
  void run(const Executor& executor, Work work, Done done) {
    using T = std::invoke_result_t<Work, Store&>;
    boost::asio::post(
        io_context_, [this, executor, work = std::move(work), done = std::move(done)]() mutable {
          StoreResult<T> result;
          try {
            result.value.emplace(work(*store_));
          } catch (const StoreUnavailable& error) {
            // The store logs the outage once; a line per failed call would flood the log.
            spdlog::debug("storage call failed: {}", error.what());
            result.unavailable = true;
          } catch (const std::exception& error) {
            spdlog::error("storage call failed: {}", error.what());
          }
          boost::asio::post(executor, [done = std::move(done), result = std::move(result)]() mutable {
            done(std::move(result));
          });
        });
  }

 private:
  std::unique_ptr<Store> store_;
  boost::asio::io_context io_context_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep_running_;
  std::thread thread_;
};

}  // namespace nadoo::store
