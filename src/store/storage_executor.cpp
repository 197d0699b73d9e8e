#include "store/storage_executor.hpp"

namespace nadoo::store {

StorageExecutor::StorageExecutor(std::unique_ptr<Store> store)
    : store_(std::move(store)),
      keep_running_(io_context_.get_executor()),
      thread_([this] { io_context_.run(); }) {}

StorageExecutor::~StorageExecutor() {
  keep_running_.reset();  // run() returns once the queued calls are done
  thread_.join();
}

}  // namespace nadoo::store
