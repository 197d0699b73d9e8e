#include "store/storage_executor.hpp"

#include "util/thread_name.hpp"

namespace nadoo::store {

StorageExecutor::StorageExecutor(std::unique_ptr<Store> store)
    : store_(std::move(store)), keep_running_(io_context_.get_executor()), thread_([this] {
        util::name_this_thread("nadoo-storage");
        io_context_.run();
      }) {}

StorageExecutor::~StorageExecutor() {
  keep_running_.reset();  // run() returns once the queued calls are done
  thread_.join();
}

}  // namespace nadoo::store
