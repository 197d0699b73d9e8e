#pragma once

#include <atomic>
#include <mutex>

#include "ai/model_provider.hpp"

namespace nadoo::ai {

/// A stream's StreamHandlers with the guarantees every provider owes its
/// caller (model_provider.hpp): handlers never overlap, and none starts once
/// `close` has returned, from whichever thread it was called.
///
/// Each call runs under a recursive mutex that `close` also takes, so `close`
/// waits for a handler running on another thread (microseconds: ours only
/// post) and a handler may close its own stream. Don't call `close` while
/// holding a lock that a handler of the same stream takes.
class GuardedStreamHandlers {
 public:
  explicit GuardedStreamHandlers(StreamHandlers handlers) : handlers_(std::move(handlers)) {}

  /// Stops every later call; false when it was already closed.
  bool close();
  bool closed() const { return closed_.load(); }

  /// `on_delta`, unless closed; returns whether the stream is still open after
  /// it (a handler that throws closes it: an exception must not unwind an I/O thread).
  bool delta(std::string text);
  /// The last call, `on_complete` or `on_error`, unless closed; closes.
  void complete(ModelCompletion completion);
  void fail(ModelError error);

  /// Destroys the handlers and what they captured, outside the lock: call it
  /// once closed, so that a handler owning the stream breaks the cycle.
  void release();

 private:
  template <typename Call>
  void call_last(Call&& call);

  std::recursive_mutex mutex_;
  StreamHandlers handlers_;  // guarded by mutex_
  std::atomic<bool> closed_{false};
};

}  // namespace nadoo::ai
