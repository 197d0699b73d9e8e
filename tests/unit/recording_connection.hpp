// A stand-in for the transport's connection in unit tests of what wraps one.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hub/connection.hpp"

namespace nadoo::hub {

/// Stands for the transport's connection: records what reaches the client.
class RecordingConnection final : public hub::Connection {
 public:
  hub::ConnectionId id() const override { return 7; }
  const std::string& user_id() const override { return user_; }
  const std::string& resource_id() const override { return user_; }
  void send(hub::SharedText message, hub::MessageKind) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(*message);
  }
  void close(hub::CloseCode code, std::string_view) override {
    std::lock_guard lock(mutex_);
    close_code_ = code;
  }

  hub::EndpointState* endpoint_state() const override { return nullptr; }
  void set_endpoint_state(std::unique_ptr<hub::EndpointState>) override {}

  std::vector<std::string> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  std::optional<hub::CloseCode> close_code() const {
    std::lock_guard lock(mutex_);
    return close_code_;
  }

 private:
  const std::string user_ = "user-1";
  mutable std::mutex mutex_;
  std::vector<std::string> sent_;
  std::optional<hub::CloseCode> close_code_;
};

}  // namespace nadoo::hub
