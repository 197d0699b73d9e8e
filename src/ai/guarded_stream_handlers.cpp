#include "ai/guarded_stream_handlers.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace nadoo::ai {

bool GuardedStreamHandlers::close() {
  std::lock_guard lock(mutex_);
  return !closed_.exchange(true);
}

bool GuardedStreamHandlers::delta(std::string text) {
  std::lock_guard lock(mutex_);
  if (closed_ || !handlers_.on_delta) return !closed_;
  try {
    handlers_.on_delta(std::move(text));
  } catch (const std::exception& error) {
    spdlog::error("model stream on_delta threw: {}; the stream stops", error.what());
    closed_ = true;
  }
  return !closed_;
}

template <typename Call>
void GuardedStreamHandlers::call_last(Call&& call) {
  StreamHandlers last;  // destroyed after the lock is released
  std::lock_guard lock(mutex_);
  if (closed_.exchange(true)) return;
  std::swap(last, handlers_);
  try {
    call(last);
  } catch (const std::exception& error) {
    spdlog::error("model stream completion handler threw: {}", error.what());
  }
}

void GuardedStreamHandlers::complete(ModelCompletion completion) {
  call_last([&completion](StreamHandlers& handlers) {
    if (handlers.on_complete) handlers.on_complete(std::move(completion));
  });
}

void GuardedStreamHandlers::fail(ModelError error) {
  call_last([&error](StreamHandlers& handlers) {
    if (handlers.on_error) handlers.on_error(std::move(error));
  });
}

void GuardedStreamHandlers::release() {
  StreamHandlers released;  // destroyed after the lock is released
  std::lock_guard lock(mutex_);
  closed_ = true;
  std::swap(released, handlers_);
}

}  // namespace nadoo::ai
