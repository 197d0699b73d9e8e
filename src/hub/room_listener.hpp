#pragma once

#include <functional>
#include <memory>
#include <string>

#include "hub/connection.hpp"

namespace nadoo::hub {

/// A member of a room that is this node itself, not a client: it gets the
/// room's messages from every node (Hub::listen) and acts on them, e.g. to
/// close this node's sockets of a member removed through another node. It
/// never counts as a connection.
///
/// Thread-safety: `on_message` is called from any thread, one message at a
/// time per publisher, and must not block.
class RoomListener final : public Connection {
 public:
  using OnMessage = std::function<void(const std::string& payload)>;
  /// Called (on any thread) when a broker gap closes (Connection::fill_gap).
  using OnGap = std::function<void(std::chrono::system_clock::time_point since)>;

  explicit RoomListener(OnMessage on_message, OnGap on_gap = {});

  ConnectionId id() const override { return id_; }
  const std::string& user_id() const override { return nobody_; }
  const std::string& resource_id() const override { return nobody_; }
  void send(SharedText message, MessageKind) override { on_message_(*message); }
  void close(CloseCode, std::string_view) override {}
  void fill_gap(std::chrono::system_clock::time_point since) override {
    if (on_gap_) on_gap_(since);
  }
  EndpointState* endpoint_state() const override { return nullptr; }
  void set_endpoint_state(std::unique_ptr<EndpointState>) override {}

 private:
  const ConnectionId id_;
  const OnMessage on_message_;
  const OnGap on_gap_;
  const std::string nobody_;
};

}  // namespace nadoo::hub
