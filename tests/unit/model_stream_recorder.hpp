// Test support: records a ModelStream's handler calls and checks what the
// interface promises about them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ai/model_provider.hpp"

namespace nadoo::testing {

/// Records one stream's handler calls and checks the interface's promises:
/// calls never overlap, nothing follows the end, nothing follows cancel().
class StreamRecorder {
 public:
  /// Long enough for a loaded machine; a passing test never waits it out.
  static constexpr std::chrono::seconds wait_limit{10};

  ai::StreamHandlers handlers(std::function<void(const std::string&)> on_each_delta = {}) {
    return {
        [state = state_, on_each_delta](std::string text) {
          state->enter();
          if (on_each_delta) on_each_delta(text);
          state->leave([&] { state->deltas.push_back(std::move(text)); });
        },
        [state = state_](ai::ModelCompletion completion) {
          state->enter();
          state->leave([&] { state->completion = std::move(completion); }, true);
        },
        [state = state_](ai::ModelError error) {
          state->enter();
          state->leave([&] { state->error = std::move(error); }, true);
        },
    };
  }

  bool wait_finished() {
    return wait([this] { return state_->finished; });
  }
  bool wait_for_deltas(std::size_t count) {
    return wait([&] { return state_->deltas.size() >= count; });
  }
  void cancel_returned() { state_->cancel_returned = true; }

  std::string text() {
    std::lock_guard lock(state_->mutex);
    std::string joined;
    for (const auto& delta : state_->deltas) joined += delta;
    return joined;
  }
  std::size_t delta_count() {
    std::lock_guard lock(state_->mutex);
    return state_->deltas.size();
  }
  std::optional<ai::ModelCompletion> completion() {
    std::lock_guard lock(state_->mutex);
    return state_->completion;
  }
  std::optional<ai::ModelError> error() {
    std::lock_guard lock(state_->mutex);
    return state_->error;
  }
  bool finished() {
    std::lock_guard lock(state_->mutex);
    return state_->finished;
  }
  int broken_promises() const { return state_->broken_promises; }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> deltas;
    std::optional<ai::ModelCompletion> completion;
    std::optional<ai::ModelError> error;
    bool finished = false;
    std::atomic<int> active{0};
    std::atomic<int> broken_promises{0};
    std::atomic<bool> cancel_returned{false};

    void enter() {
      if (active.fetch_add(1) != 0 || cancel_returned) ++broken_promises;
    }
    template <class Update>
    void leave(Update update, bool last = false) {
      {
        std::lock_guard lock(mutex);
        if (finished) ++broken_promises;
        update();
        finished = finished || last;
      }
      active.fetch_sub(1);
      changed.notify_all();
    }
  };

  template <class Condition>
  bool wait(Condition condition) {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, wait_limit, condition);
  }

  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace nadoo::testing
