#include "io_threads.hpp"

namespace nadoo::bench {

IoThreads::IoThreads(unsigned count) {
  for (unsigned i = 0; i < count; ++i) {
    // Concurrency hint 1: each context is driven by exactly one thread, so
    // Asio may skip its internal locking.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    keep_running_.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
  for (auto& context : contexts_) {
    threads_.emplace_back([&io = *context] { io.run(); });
  }
}

IoThreads::~IoThreads() { stop(); }

void IoThreads::stop() {
  for (auto& context : contexts_) context->stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace nadoo::bench
